namespace Daedalus.Configuration;

/// <summary>One tables.yaml entry as the source it became, with the nodes errors about it point at.</summary>
public sealed record TablesEntry(SourceDefinition Source, string Path, ConfigNode Node)
{
    /// <summary>The tables.yaml field (path and node) a validator error about <paramref name="sourcePath"/> belongs to.</summary>
    public (string Path, ConfigNode Node) Locate(string sourcePath)
    {
        var field = sourcePath switch
        {
            _ when sourcePath.Contains(".schedule", StringComparison.Ordinal) => "schedule",
            _ when sourcePath.Contains(".target", StringComparison.Ordinal) => "postgres",
            _ when sourcePath.Contains(".primaryKey", StringComparison.Ordinal) => "primary_key",
            _ when sourcePath.Contains(".mode", StringComparison.Ordinal) => "sync_mode",
            _ when sourcePath.Contains(".protect", StringComparison.Ordinal) => "encryption",
            _ when sourcePath.Contains(".settings", StringComparison.Ordinal) => "snowflake",
            _ => null,
        };
        return field is not null && Node.Map is not null && Node.Map.TryGetValue(field, out var node)
            ? ($"{Path}.{field}", node)
            : (Path, Node);
    }
}
