namespace Daedalus.Client;

public sealed record SeriesPoint(DateTimeOffset Time, double? Value, IReadOnlyDictionary<string, string> Labels);
