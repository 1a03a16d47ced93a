namespace Daedalus.Metrics;

/// <summary>The wire names of <see cref="SeriesAggregate"/>: exactly these strings, nothing else parses.</summary>
public static class SeriesAggregates
{
    public static readonly IReadOnlyList<string> Names = [.. Enum.GetValues<SeriesAggregate>().Select(Name)];

    public static string Name(SeriesAggregate aggregate) => aggregate.ToString().ToLowerInvariant();

    public static bool TryParse(string text, out SeriesAggregate aggregate)
    {
        foreach (var value in Enum.GetValues<SeriesAggregate>())
        {
            if (string.Equals(Name(value), text, StringComparison.Ordinal))
            {
                aggregate = value;
                return true;
            }
        }

        aggregate = default;
        return false;
    }
}
