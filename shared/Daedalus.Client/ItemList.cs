namespace Daedalus.Client;

/// <summary>
/// A list answer. <see cref="Next"/> is the path (with query) of the next page when the list goes on, null on its last
/// page; <see cref="Total"/> is set only by lists that cannot page (the poison queues, whose storage shows only their
/// first messages) and counts all their items, so a short list is never mistaken for a complete one.
/// </summary>
public sealed record ItemList<T>(IReadOnlyList<T> Items)
{
    public string? Next { get; init; }

    public long? Total { get; init; }
}
