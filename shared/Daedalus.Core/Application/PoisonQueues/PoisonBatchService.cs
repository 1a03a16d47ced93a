using Daedalus.Client;
using Daedalus.Queues;
using Daedalus.Storage;

namespace Daedalus.Application.PoisonQueues;

/// <summary>Batches that failed too often (the batch poison queue), and putting them back on the batch queue.</summary>
public sealed class PoisonBatchService
{
    public const int MaxLimit = 32;

    private readonly AuditLog _audit;
    private readonly IBatchQueue? _queue;

    /// <param name="queue">Absent in a host without storage, which loads in-process and has no poison queue.</param>
    public PoisonBatchService(AuditLog audit, IBatchQueue? queue = null)
    {
        _audit = audit;
        _queue = queue;
    }

    /// <summary>The first <paramref name="limit"/> poison batches and how many there are in all.</summary>
    public async Task<ServiceResult<PoisonListing<PoisonBatch>>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return ServiceError.BadInput("limit", $"must be a whole number from 1 to {MaxLimit}");
        }

        if (_queue is null)
        {
            return NoQueue();
        }

        var messages = await _queue.ListPoisonAsync(limit, cancellationToken);
        var depth = await _queue.GetDepthAsync(cancellationToken);
        return new PoisonListing<PoisonBatch>(
            messages.Select(m => new PoisonBatch(m.MessageId, m.BatchId, m.Source, m.Stream, m.Error, m.InsertedAt, m.DequeueCount)).ToList(),
            Math.Max(depth.Poison, messages.Count));
    }

    /// <summary>Replays one message, or every poison message when <paramref name="messageId"/> is null (audited).</summary>
    public async Task<ServiceResult<PoisonReplayResult>> ReplayAsync(string? messageId, string actor, CancellationToken cancellationToken)
    {
        if (_queue is null)
        {
            return NoQueue();
        }

        var replayed = await _queue.ReplayPoisonAsync(messageId, cancellationToken);
        if (messageId is not null && replayed == 0)
        {
            return ServiceError.NotFound("There is no poison message with that id.");
        }

        await _audit.WriteAsync(actor, "poison.replay", messageId ?? "*", new { replayed }, cancellationToken);
        return new PoisonReplayResult(replayed);
    }

    private static ServiceError NoQueue() => ServiceError.Unavailable(
        "No batch queue",
        "This host loads batches in-process and has no queue, so there is no poison queue either.");
}
