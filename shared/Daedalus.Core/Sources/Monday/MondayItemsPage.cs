namespace Daedalus.Sources.Monday;

/// <summary>A page of items; a null cursor means there are no more pages.</summary>
public sealed record MondayItemsPage(string? Cursor, IReadOnlyList<MondayItem> Items);
