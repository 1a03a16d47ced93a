namespace Daedalus.Configuration;

/// <summary>A data-quality rule on one column. Rows that fail go to quarantine with the rule's description.</summary>
public sealed class QaRuleDefinition
{
    public string Column { get; set; } = "";

    /// <summary>not_null, matches, range, one_of, max_length.</summary>
    public string Rule { get; set; } = "";

    public string? Pattern { get; set; }

    public decimal? Min { get; set; }

    public decimal? Max { get; set; }

    public List<string> Values { get; set; } = [];

    public int? Length { get; set; }

    public string Describe() => Rule switch
    {
        "matches" => $"{Column} matches /{Pattern}/",
        "range" => $"{Column} in [{Min?.ToString() ?? "-inf"}, {Max?.ToString() ?? "+inf"}]",
        "one_of" => $"{Column} one of [{string.Join(", ", Values)}]",
        "max_length" => $"{Column} at most {Length} characters",
        _ => $"{Column} {Rule}",
    };
}
