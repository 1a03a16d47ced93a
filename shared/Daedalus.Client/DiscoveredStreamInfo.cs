namespace Daedalus.Client;

/// <summary>
/// One discovered stream: its columns in source order, primary key and cursor column as the plugin sees them, and the
/// stream <c>settings:</c> entries that pin the schema (e.g. <c>columns.updatedat: timestamp</c>), ready for config.
/// </summary>
public sealed record DiscoveredStreamInfo(string Stream, IReadOnlyList<DiscoveredColumn> Columns, IReadOnlyList<string> PrimaryKey, string? Cursor, IReadOnlyDictionary<string, string> Settings);
