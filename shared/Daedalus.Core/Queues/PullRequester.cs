using Daedalus.Runs;
using Daedalus.Storage;
using Daedalus.Telemetry;
using Microsoft.Extensions.Logging;

namespace Daedalus.Queues;

/// <summary>
/// Starts a pull the way both hosts do: the run is created <c>queued</c>, then its pull request (part 1) is sent to the
/// pull queue, so the caller can answer with the run id at once and a worker (the <c>pull</c> function, or serve's
/// pull worker) does the pull. A request storage refuses fails its run with the reason before the error is thrown.
/// </summary>
public sealed class PullRequester
{
    private readonly AzurePullQueue _queue;
    private readonly RunStore _runs;
    private readonly TimeProvider _clock;
    private readonly RunEventStore _events;
    private readonly ILogger<PullRequester> _logger;

    public PullRequester(AzurePullQueue queue, RunStore runs, TimeProvider clock, RunEventStore events, ILogger<PullRequester> logger)
    {
        _events = events;
        _queue = queue;
        _runs = runs;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>Enqueues a pull of <paramref name="source"/>; returns its run id.</summary>
    public async Task<Guid> RequestAsync(string source, string trigger, CancellationToken cancellationToken)
    {
        var runId = Guid.CreateVersion7();
        using var span = DaedalusTracing.Source.StartActivity(DaedalusTracing.PullRequestSpan, System.Diagnostics.ActivityKind.Producer);
        span?.SetTag("daedalus.run_id", runId.ToString());
        span?.SetTag("daedalus.source", source);
        var request = new PullRequest(runId, source, trigger, 1, 0) { TraceParent = DaedalusTracing.CurrentTraceParent() };
        await _runs.QueueAsync(request.RunId, source, trigger, _clock.GetUtcNow(), cancellationToken);
        await _events.RecordAsync(request.RunId, RunEventKinds.Queued, source, null, null, new { trigger }, cancellationToken);
        try
        {
            await _queue.EnqueueAsync(request, cancellationToken);
        }
        catch (Exception ex)
        {
            await _runs.FinishAsync(request.RunId, RunStatus.Failed, $"the pull request could not be queued: {ex.GetType().Name}: {ex.Message}", _clock.GetUtcNow(), CancellationToken.None);
            throw;
        }

        PipelineLog.PullQueued(_logger, request.RunId, source, trigger);
        return request.RunId;
    }
}
