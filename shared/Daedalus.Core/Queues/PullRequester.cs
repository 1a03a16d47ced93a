using Daedalus.Storage;
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
    private readonly ILogger<PullRequester> _logger;

    public PullRequester(AzurePullQueue queue, RunStore runs, TimeProvider clock, ILogger<PullRequester> logger)
    {
        _queue = queue;
        _runs = runs;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>Enqueues a pull of <paramref name="source"/>; returns its run id.</summary>
    public async Task<Guid> RequestAsync(string source, string trigger, CancellationToken cancellationToken)
    {
        var request = new PullRequest(Guid.CreateVersion7(), source, trigger, 1, 0);
        await _runs.QueueAsync(request.RunId, source, trigger, _clock.GetUtcNow(), cancellationToken);
        try
        {
            await _queue.EnqueueAsync(request, cancellationToken);
        }
        catch (Exception ex)
        {
            await _runs.FinishAsync(request.RunId, RunStore.Failed, $"the pull request could not be queued: {ex.GetType().Name}: {ex.Message}", _clock.GetUtcNow(), CancellationToken.None);
            throw;
        }

        _logger.LogInformation("Run {RunId}: pull of {Source} queued (trigger {Trigger})", request.RunId, source, trigger);
        return request.RunId;
    }
}
