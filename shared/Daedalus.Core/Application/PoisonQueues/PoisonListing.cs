namespace Daedalus.Application.PoisonQueues;

/// <summary>
/// The first messages of a poison queue and how many it holds in all (the storage service's approximate count, never
/// less than the messages shown). Azure Queue Storage shows only the first 32 messages without taking them, so this
/// list cannot page: <see cref="Total"/> says how many more there are, and replaying the ones shown reveals the next.
/// </summary>
public sealed record PoisonListing<T>(IReadOnlyList<T> Items, long Total);
