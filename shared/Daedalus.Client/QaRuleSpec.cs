namespace Daedalus.Client;

/// <summary>A data-quality rule: not_null, matches (pattern), range (min/max), one_of (values), max_length (length).</summary>
public sealed record QaRuleSpec
{
    public required string Column { get; init; }

    public required string Rule { get; init; }

    public string? Pattern { get; init; }

    public decimal? Min { get; init; }

    public decimal? Max { get; init; }

    public List<string>? Values { get; init; }

    public int? Length { get; init; }
}
