namespace Daedalus.Sources;

/// <summary>A page of records and the cursor to resume from once the page is safely stored.</summary>
public sealed record SourcePage(IReadOnlyList<SourceRecord> Records, string? Cursor);
