using Daedalus.Batching;
using Daedalus.Pipeline;
using Daedalus.Storage;
using Daedalus.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Daedalus.Queues;

/// <summary>
/// Runs one delivery of a pull request: the one call both the <c>pull</c> QueueTrigger and the self-host's pull worker
/// make. The part of the run named by the request is claimed under the source's pull lock and pulled onto the batch
/// queue for at most <see cref="SyncOptions.PullTimeLimit"/>; a part that stops early enqueues its continuation.
/// Deliveries are at-least-once and idempotent: a duplicate or late copy claims nothing and pulls nothing, and a copy
/// that finds the source locked waits (it is sent again after <see cref="LockedRetryDelay"/>). A request that can never
/// run (not a v1 pull request, source not configured) goes to <c>daedalus-pulls-poison</c> at once; other failures are
/// retried by the host until the last allowed delivery, which is poisoned. A poisoned request fails its run visibly,
/// and replaying it resumes the same run.
/// </summary>
public sealed class PullMessageHandler
{
    /// <summary>How long a request waits before it tries a locked source again.</summary>
    public static readonly TimeSpan LockedRetryDelay = TimeSpan.FromSeconds(5);

    private readonly AzurePullQueue _queue;
    private readonly SourceCatalog _catalog;
    private readonly SyncRunner _runner;
    private readonly QueueSink _sink;
    private readonly RunStore _runs;
    private readonly QueueOptions _options;
    private readonly ILogger<PullMessageHandler> _logger;

    public PullMessageHandler(AzurePullQueue queue, SourceCatalog catalog, SyncRunner runner, QueueSink sink, RunStore runs, IOptions<QueueOptions> options, ILogger<PullMessageHandler> logger)
    {
        _queue = queue;
        _catalog = catalog;
        _runner = runner;
        _sink = sink;
        _runs = runs;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>What the delivery did; null when it was poisoned or sent again for later. A retryable failure is thrown.</summary>
    public async Task<PullOutcomeKind?> HandleAsync(IncomingBatchMessage message, CancellationToken cancellationToken)
    {
        PullRequest? request = null;
        try
        {
            if (message.DequeueCount > _options.MaxDequeueCount)
            {
                throw new BatchFormatException($"dequeued {message.DequeueCount} times without completing (limit {_options.MaxDequeueCount}); a worker crashed or timed out on it each time");
            }

            request = PullRequest.Deserialize(QueueWireFormat.Decode(message.Body));
            using var span = DaedalusTracing.StartConsumer(DaedalusTracing.PullSpan, request.TraceParent);
            span?.SetTag("daedalus.run_id", request.RunId.ToString());
            span?.SetTag("daedalus.source", request.Source);
            span?.SetTag("daedalus.part", request.Part);
            var source = await _catalog.GetAsync(request.Source, cancellationToken)
                ?? throw new BatchFormatException($"source '{request.Source}' is not configured (apply the config, then replay)");
            var outcome = await _runner.PullAsync(request, source, _sink, cancellationToken);
            if (outcome.Continuation is { } next)
            {
                // The next part continues this trace.
                await _queue.EnqueueAsync(next with { TraceParent = DaedalusTracing.CurrentTraceParent() ?? next.TraceParent }, cancellationToken);
            }

            switch (outcome.Kind)
            {
                case PullOutcomeKind.Locked:
                    // A duplicate of a part being pulled right now, or a run waiting for another pull of the source to end.
                    _logger.LogInformation("Pull request {MessageId} (run {RunId}, {Source} part {Part}): the source is being pulled elsewhere; trying again in {Delay}", message.MessageId, request.RunId, request.Source, request.Part, LockedRetryDelay);
                    await _queue.RequeueAsync(message, LockedRetryDelay, cancellationToken);
                    return null;
                case PullOutcomeKind.Duplicate:
                    _logger.LogInformation("Pull request {MessageId} (run {RunId}, {Source} part {Part}) is a duplicate: that part was already claimed", message.MessageId, request.RunId, request.Source, request.Part);
                    break;
                case PullOutcomeKind.Cancelled:
                    _logger.LogInformation("Pull request {MessageId} (run {RunId}, {Source} part {Part}): the run was cancelled while the request waited; dropped", message.MessageId, request.RunId, request.Source, request.Part);
                    break;
                case PullOutcomeKind.NoRun:
                    _logger.LogWarning("Pull request {MessageId} names run {RunId} of {Source}, which does not exist; dropped", message.MessageId, request.RunId, request.Source);
                    break;
                default:
                    // Each stream and the part's end were logged by the runner (PipelineLog).
                    break;
            }

            return outcome.Kind;
        }
        catch (BatchFormatException ex)
        {
            await PoisonAsync(message, request, ex.Message, cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException && BatchMessageHandler.IsInfrastructure(ex))
        {
            // PostgreSQL or storage is down: not the request's fault, so it must not spend its delivery budget.
            _logger.LogWarning("Pull request {MessageId} (run {RunId}) hit an infrastructure failure ({Error}); sent again to retry in {Delay}", message.MessageId, request?.RunId, $"{ex.GetType().Name}: {ex.Message}", _options.MaxInfrastructureRetryDelay);
            await _queue.RequeueAsync(message, _options.MaxInfrastructureRetryDelay, cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException && message.DequeueCount >= _options.MaxDequeueCount)
        {
            await PoisonAsync(message, request, $"{ex.GetType().Name}: {ex.Message}", cancellationToken);
            return null;
        }
    }

    private async Task PoisonAsync(IncomingBatchMessage message, PullRequest? request, string error, CancellationToken cancellationToken)
    {
        await _queue.MoveToPoisonAsync(message, request, error, cancellationToken);
        if (request is null)
        {
            return;
        }

        try
        {
            await _runs.MarkPullPoisonedAsync(request.RunId, request.Part, error, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The poison entry exists; the queued run is closed as lost by the supervisor if the database stays away.
            _logger.LogWarning("Could not record run {RunId} as poisoned: {Error}", request.RunId, ex.Message);
        }
    }
}
