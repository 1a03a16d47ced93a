namespace Daedalus.Application;

/// <summary>Cuts a page out of what a store read.</summary>
public static class Pages
{
    /// <summary>
    /// The first <paramref name="limit"/> of <paramref name="fetched"/>, read with one more than the limit: when that one
    /// is there, more follow, and the page continues after its last item (<paramref name="cursor"/>).
    /// </summary>
    public static Page<T> Of<T>(IReadOnlyList<T> fetched, int limit, Func<T, string> cursor) =>
        fetched.Count > limit ? new Page<T>(fetched.Take(limit).ToList(), cursor(fetched[limit - 1])) : new Page<T>(fetched, null);
}
