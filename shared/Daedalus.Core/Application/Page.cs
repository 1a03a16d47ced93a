namespace Daedalus.Application;

/// <summary>
/// One page of a list: its items and, when more follow, the cursor to pass as <c>after</c> for the next page (null on
/// the last page). Services read one item past the limit to know, so a list never ends silently short.
/// </summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? After);
