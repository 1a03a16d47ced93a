namespace Daedalus.Configuration;

/// <summary>
/// A stream's claim on its target table: <paramref name="Source"/>/<paramref name="Stream"/> loads into
/// <paramref name="Schema"/>.<paramref name="Table"/>.
/// </summary>
public sealed record TargetClaim(string Source, string Stream, string Schema, string Table)
{
    public string QualifiedTable => $"{Schema}.{Table}";
}
