namespace Daedalus.Configuration;

/// <summary>Turns a stream's records into time-bucketed points: aggregate(value) per bucket of time, per label set.</summary>
public sealed class MetricRuleDefinition
{
    public string Name { get; set; } = "";

    public string Stream { get; set; } = "";

    /// <summary>Column holding the event time (date or timestamp).</summary>
    public string Time { get; set; } = "";

    /// <summary>Numeric column; optional for <c>count</c>.</summary>
    public string? Value { get; set; }

    /// <summary>sum, count, avg, min, max (<see cref="Metrics.SeriesAggregates"/>); the config's text, refused with its path when it names none.</summary>
    public string Aggregate { get; set; } = "sum";

    /// <summary>The aggregate, or null when <see cref="Aggregate"/> names none.</summary>
    public Metrics.SeriesAggregate? AggregateKind => Metrics.SeriesAggregates.TryParse(Aggregate, out var kind) ? kind : null;

    /// <summary>Bucket width: 1m, 5m, 1h, 1d...</summary>
    public string Bucket { get; set; } = "1d";

    public List<string> Labels { get; set; } = [];
}
