using Daedalus.Queues;
using Daedalus.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Daedalus.Pipeline;

/// <summary>
/// Keeps run history true between pulls; called on every scheduler tick (the timer function and the self-host's
/// cron loop). Closes runs whose process died (no heartbeat; cancelled rather than failed when an operator had asked to
/// cancel them), settles runs whose last load committed but whose
/// settle never ran, when the pull queue is empty, fails runs still waiting for a pull request (storage lost it), and,
/// when the batch queue is empty, marks batches still recorded as queued as lost and rewinds their streams to the hole
/// so the next pull re-reads it.
/// </summary>
public sealed class RunSupervisor
{
    private readonly RunStore _runs;
    private readonly EnqueuedBatchStore _enqueued;
    private readonly AzureBatchQueue _queue;
    private readonly AzurePullQueue _pulls;
    private readonly QueueOptions _options;
    private readonly ILogger<RunSupervisor> _logger;

    public RunSupervisor(RunStore runs, EnqueuedBatchStore enqueued, AzureBatchQueue queue, AzurePullQueue pulls, IOptions<QueueOptions> options, ILogger<RunSupervisor> logger)
    {
        _runs = runs;
        _enqueued = enqueued;
        _queue = queue;
        _pulls = pulls;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>One pass. Storage being unreachable skips the lost-batch check (it cannot tell an empty queue); never throws for that.</summary>
    public async Task<IReadOnlyList<LostBatch>> SuperviseAsync(CancellationToken cancellationToken)
    {
        var abandoned = await _runs.CloseAbandonedAsync(null, RunStore.AbandonedAfter, null, cancellationToken);
        if (abandoned.Failed > 0)
        {
            _logger.LogWarning("Closed {Count} run(s) as failed: their process stopped heartbeating", abandoned.Failed);
        }

        if (abandoned.Cancelled > 0)
        {
            _logger.LogInformation("Closed {Count} run(s) as cancelled: an operator had asked to cancel them and their process stopped heartbeating before it stopped the pull", abandoned.Cancelled);
        }

        await _runs.SettleOpenRunsAsync(cancellationToken);
        QueueDepth depth, pullDepth;
        try
        {
            depth = await _queue.GetDepthAsync(cancellationToken);
            pullDepth = await _pulls.GetDepthAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && BatchMessageHandler.IsInfrastructure(ex))
        {
            _logger.LogWarning("Could not read the queue depth, lost batches not checked: {Error}", ex.Message);
            return [];
        }

        if (pullDepth.Batches == 0)
        {
            var lostPulls = await _runs.CloseLostPullsAsync(_options.LostAfter, cancellationToken);
            if (lostPulls.Failed > 0)
            {
                _logger.LogError("Closed {Count} queued run(s) as failed: their pull request is not on the pull queue", lostPulls.Failed);
            }

            if (lostPulls.Cancelled > 0)
            {
                _logger.LogInformation("Closed {Count} queued run(s) as cancelled: an operator had asked to cancel them and their pull request is not on the pull queue", lostPulls.Cancelled);
            }
        }

        if (depth.Batches > 0)
        {
            return [];
        }

        var lost = await _enqueued.MarkLostAsync(_options.LostAfter, cancellationToken);
        foreach (var batch in lost)
        {
            _logger.LogError("Batch {BatchId} of run {RunId} ({Source}/{Stream}, sequence {Sequence}) was lost by storage; the stream is re-pulled from its cursor_from", batch.BatchId, batch.RunId, batch.Source, batch.Stream, batch.Sequence);
        }

        return lost;
    }
}
