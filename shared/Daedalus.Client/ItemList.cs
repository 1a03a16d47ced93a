namespace Daedalus.Client;

/// <summary>A list answer; wrapped so fields (paging, totals) can be added without breaking clients.</summary>
public sealed record ItemList<T>(IReadOnlyList<T> Items);
