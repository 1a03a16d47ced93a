using Daedalus.Batching;

namespace Daedalus.Queues;

/// <summary>
/// The batch queue (<c>daedalus-batches</c>) and its poison queue. Azure Storage queues in Azure, Azurite
/// locally. Enqueue is durable when it returns; large batches travel by claim check.
/// </summary>
public interface IBatchQueue
{
    Task EnqueueAsync(Batch batch, CancellationToken cancellationToken);

    Task<IReadOnlyList<PoisonMessage>> ListPoisonAsync(int max, CancellationToken cancellationToken);

    /// <summary>Moves poison messages back to the main queue (one by id, or all when null); returns how many.</summary>
    Task<int> ReplayPoisonAsync(string? messageId, CancellationToken cancellationToken);

    Task<QueueDepth> GetDepthAsync(CancellationToken cancellationToken);
}
