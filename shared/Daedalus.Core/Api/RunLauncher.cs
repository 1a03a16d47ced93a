using System.Collections.Concurrent;
using Daedalus.Configuration;
using Daedalus.Pipeline;
using Daedalus.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Daedalus.Api;

/// <summary>
/// Runs API-triggered pulls in the background. The run row exists before the caller gets its 202, so the
/// Location can be polled at once. Batches go to the registered sink (the queue in a full host), else
/// straight into PostgreSQL. Runs still going at shutdown are cancelled and recorded as such.
/// </summary>
public sealed class RunLauncher : IAsyncDisposable
{
    private readonly IServiceProvider _services;
    private readonly SyncRunner _runner;
    private readonly RunStore _runs;
    private readonly TimeProvider _clock;
    private readonly ILogger<RunLauncher> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Guid, Task> _running = new();

    public RunLauncher(IServiceProvider services, SyncRunner runner, RunStore runs, TimeProvider clock, ILogger<RunLauncher> logger)
    {
        _services = services;
        _runner = runner;
        _runs = runs;
        _clock = clock;
        _logger = logger;
    }

    public async Task<Guid> LaunchAsync(SourceDefinition source, string trigger, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        await _runs.StartAsync(id, source.Name, trigger, _clock.GetUtcNow(), cancellationToken);
        var sink = _services.GetService<IBatchSink>() ?? _services.GetRequiredService<InProcessSink>();
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
            if (summaries.Count == 0 || summaries.All(s => s.Status == SyncRunner.Skipped))
            {
                await _runs.FinishAsync(id, RunStore.Skipped, "another pull of this source was in progress", _clock.GetUtcNow(), CancellationToken.None);
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
