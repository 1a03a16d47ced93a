using System.Collections.Concurrent;
using Daedalus.Api;
using Daedalus.Configuration;
using Daedalus.Pipeline;
using Daedalus.Queues;
using Daedalus.Runs;
using Daedalus.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Daedalus.Application.Runs;

/// <summary>
/// Starts API-triggered pulls. In a host with storage (serve, the Functions app) the run is created <c>queued</c> and
/// its pull request enqueued on the pull queue (<see cref="PullRequester"/>): the pull runs in a pull worker, never
/// inside the HTTP invocation or a background task of it. Without storage (or with
/// <see cref="ApiOptions.InProcessPulls"/>, the CLI's one-shot API) it pulls in a background task of this process,
/// straight into PostgreSQL; such runs still going at shutdown are cancelled and recorded as such. Either way the run
/// row exists before the caller gets its 202, so the Location can be polled at once.
/// </summary>
public sealed class RunLauncher : IAsyncDisposable
{
    private readonly IServiceProvider _services;
    private readonly SyncRunner _runner;
    private readonly RunStore _runs;
    private readonly TimeProvider _clock;
    private readonly ILogger<RunLauncher> _logger;
    private readonly bool _queued;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Guid, Task> _running = new();

    public RunLauncher(IServiceProvider services, SyncRunner runner, RunStore runs, TimeProvider clock, IOptions<ApiOptions> options, ILogger<RunLauncher> logger)
    {
        _services = services;
        _runner = runner;
        _runs = runs;
        _clock = clock;
        _logger = logger;
        _queued = !options.Value.InProcessPulls && services.GetService<IBatchQueue>() is not null;
    }

    /// <summary>Whether runs go through the pull queue (true in serve and the Functions app).</summary>
    public bool Queued => _queued;

    public async Task<Guid> LaunchAsync(SourceDefinition source, string trigger, CancellationToken cancellationToken)
    {
        if (_queued)
        {
            return await _services.GetRequiredService<PullRequester>().RequestAsync(source.Name, trigger, cancellationToken);
        }

        var id = Guid.CreateVersion7();
        await _runs.StartAsync(id, source.Name, trigger, _clock.GetUtcNow(), cancellationToken);
        var sink = _services.GetRequiredService<InProcessSink>();
        var task = Task.Run(() => RunAsync(source, id, sink, trigger), CancellationToken.None);
        _running[id] = task;
        _ = task.ContinueWith(_ => _running.TryRemove(id, out Task? _), TaskScheduler.Default);
        return id;
    }

    private async Task RunAsync(SourceDefinition source, Guid id, IBatchSink sink, string trigger)
    {
        try
        {
            var summaries = await _runner.RunSourceAsync(source, id, sink, trigger, null, _stopping.Token);
            if (summaries.Count == 0 || summaries.All(s => s.Status == RunStatus.Skipped))
            {
                await _runs.FinishAsync(id, RunStatus.Skipped, "another pull of this source was in progress", _clock.GetUtcNow(), CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            _logger.LogWarning("Run {RunId} of {Source} was cancelled by shutdown", id, source.Name);
        }
        catch (Exception ex)
        {
            // The runner has recorded the failure on the run; this is for the host's log.
            _logger.LogError(ex, "Run {RunId} of {Source} failed", id, source.Name);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_running.Values).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Background runs did not stop cleanly");
        }

        _stopping.Dispose();
    }
}
