namespace Daedalus.Client;

/// <summary>Turns a stream's records into time-bucketed points.</summary>
public sealed record MetricRuleSpec
{
    public required string Name { get; init; }

    public required string Stream { get; init; }

    public required string Time { get; init; }

    public string? Value { get; init; }

    /// <summary>sum (default), count, avg, min, max.</summary>
    public string? Aggregate { get; init; }

    /// <summary>1m, 15m, 1h, 1d (default)...</summary>
    public string? Bucket { get; init; }

    public List<string>? Labels { get; init; }
}
