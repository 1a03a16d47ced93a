namespace Daedalus.Metrics;

/// <summary>How points of a series are combined into one value per bucket (on the wire: the lowercase name).</summary>
public enum SeriesAggregate
{
    Sum,
    Count,
    Avg,
    Min,
    Max,
}
