namespace Daedalus.Configuration;

/// <summary>A data-quality rule on one column. Rows that fail go to quarantine with the rule's description.</summary>
public sealed class QaRuleDefinition
{
    public string Column { get; set; } = "";

    /// <summary>not_null, matches, range, one_of, max_length (<see cref="QaRuleKinds"/>); the config's text, so an unknown name can be refused with its file and line.</summary>
    public string Rule { get; set; } = "";

    /// <summary>The rule, or null when <see cref="Rule"/> names none.</summary>
    public QaRuleKind? Kind => QaRuleKinds.Parse(Rule);

    public string? Pattern { get; set; }

    public decimal? Min { get; set; }

    public decimal? Max { get; set; }

    public List<string> Values { get; set; } = [];

    public int? Length { get; set; }

    public string Describe() => Kind switch
    {
        QaRuleKind.Matches => $"{Column} matches /{Pattern}/",
        QaRuleKind.Range => $"{Column} in [{Min?.ToString() ?? "-inf"}, {Max?.ToString() ?? "+inf"}]",
        QaRuleKind.OneOf => $"{Column} one of [{string.Join(", ", Values)}]",
        QaRuleKind.MaxLength => $"{Column} at most {Length} characters",
        _ => $"{Column} {Rule}",
    };
}
