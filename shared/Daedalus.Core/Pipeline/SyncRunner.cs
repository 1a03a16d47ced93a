using System.Diagnostics;
using System.Threading.Channels;
using Daedalus.Alerting;
using Daedalus.Batching;
using Daedalus.Configuration;
using Daedalus.Metrics;
using Daedalus.Queues;
using Daedalus.Runs;
using Daedalus.Security;
using Daedalus.Sources;
using Daedalus.Storage;
using Daedalus.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Daedalus.Pipeline;

/// <summary>
/// Pulls sources: for each stream, read pages from the stored cursor, batch them and hand each batch to a
/// sink. Reading runs ahead of the sink through a small bounded channel, so the source and the database
/// work at the same time while memory stays bounded. One puller per source, across processes, by an
/// advisory lock.
/// </summary>
public sealed class SyncRunner
{
    private readonly SourceCatalog _catalog;
    private readonly SourcePluginRegistry _plugins;
    private readonly CursorStore _cursors;
    private readonly RunStore _runs;
    private readonly NpgsqlDataSource _dataSource;
    private readonly ISecretStore _secrets;
    private readonly IHttpClientFactory _http;
    private readonly TimeProvider _clock;
    private readonly SyncOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger<SyncRunner> _logger;
    private readonly PipelineAlerts _alerts;
    private readonly RunEventStore _events;

    public SyncRunner(
        SourceCatalog catalog,
        SourcePluginRegistry plugins,
        CursorStore cursors,
        RunStore runs,
        NpgsqlDataSource dataSource,
        ISecretStore secrets,
        IHttpClientFactory http,
        TimeProvider clock,
        IOptions<SyncOptions> options,
        ILoggerFactory loggers,
        PipelineAlerts alerts,
        RunEventStore events)
    {
        _events = events;
        _catalog = catalog;
        _plugins = plugins;
        _cursors = cursors;
        _runs = runs;
        _dataSource = dataSource;
        _secrets = secrets;
        _http = http;
        _clock = clock;
        _options = options.Value;
        _loggers = loggers;
        _logger = loggers.CreateLogger<SyncRunner>();
        _alerts = alerts;
    }

    /// <summary>Pulls the named sources (all enabled ones when none are named) into the sink.</summary>
    public async Task<IReadOnlyList<StreamSummary>> RunAsync(IReadOnlyCollection<string> names, IBatchSink sink, string trigger, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var all = await _catalog.ListAsync(cancellationToken);
        var unknown = names.Where(n => !all.Any(s => s.Name == n)).ToList();
        if (unknown.Count > 0)
        {
            throw new ConfigException(unknown.Select(n => new ConfigError($"sources.{n}", "no such source (apply the config first: daedalus sources apply)")).ToList());
        }

        var selected = names.Count > 0 ? all.Where(s => names.Contains(s.Name)).ToList() : all.Where(s => s.Enabled).ToList();
        var summaries = new List<StreamSummary>();
        foreach (var source in selected)
        {
            summaries.AddRange(await RunSourceAsync(source, Guid.CreateVersion7(), sink, trigger, progress, cancellationToken));
        }

        return summaries;
    }

    /// <summary>One run of one source under its pull lock, to the end of every stream; a single "skipped" summary when another puller holds the lock.</summary>
    public async Task<IReadOnlyList<StreamSummary>> RunSourceAsync(SourceDefinition source, Guid runId, IBatchSink sink, string trigger, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var pullLock = await TryLockAsync(source.Name, cancellationToken);
        if (pullLock is null)
        {
            _logger.LogInformation("Source {Source} is being pulled elsewhere; skipping", source.Name);
            return [SkippedSummary(runId, source.Name)];
        }

        try
        {
            await CloseAbandonedAsync(source.Name, runId, cancellationToken);
            await _runs.StartAsync(runId, source.Name, trigger, _clock.GetUtcNow(), cancellationToken);
            var part = await PullStreamsAsync(source, runId, sink, trigger, progress, 0, 0, null, null, null, cancellationToken);
            return part.Summaries;
        }
        finally
        {
            // After the unlock, so the next pull never waits on it; only outbox inserts (the dispatcher sends).
            await pullLock.DisposeAsync();
            await _alerts.RunFinishedAsync(runId, CancellationToken.None);
        }
    }

    /// <summary>
    /// One part of a queued pull (<paramref name="request"/>), under the source's pull lock: claims the run's part (a
    /// duplicate or late delivery claims nothing and pulls nothing), reads from the request's stream until the end or
    /// until <see cref="SyncOptions.PullTimeLimit"/>, when it stops at the next batch boundary of an incremental stream
    /// (or between streams), keeps the cursors of the batches it enqueued and marks the run <c>queued</c> for the
    /// continuation, which it returns for the caller to enqueue.
    /// </summary>
    public async Task<PullOutcome> PullAsync(PullRequest request, SourceDefinition source, IBatchSink sink, CancellationToken cancellationToken)
    {
        var pullLock = await TryLockAsync(source.Name, cancellationToken);
        if (pullLock is null)
        {
            return new PullOutcome(PullOutcomeKind.Locked, [SkippedSummary(request.RunId, source.Name)], null);
        }

        (IReadOnlyList<StreamSummary> Summaries, int? NextStream) part;
        try
        {
            // Before closing abandoned runs: a redelivery after its process died resumes the run it finds running.
            var claim = await _runs.ClaimPullAsync(request.RunId, request.Part, cancellationToken);
            if (claim is not { Claimed: true })
            {
                var continuation = claim is { Status: RunStatus.Queued } && claim.PullPart == request.Part + 1 ? request.Continue(claim.PullStream) : null;
                var kind = claim is null ? PullOutcomeKind.NoRun : claim.PullStatus == RunStatus.Cancelled ? PullOutcomeKind.Cancelled : PullOutcomeKind.Duplicate;
                return new PullOutcome(kind, [], continuation);
            }

            await CloseAbandonedAsync(source.Name, request.RunId, cancellationToken);
            var deadline = _clock.GetUtcNow() + _options.PullTimeLimit;
            part = await PullStreamsAsync(source, request.RunId, sink, request.Trigger, null, request.Part, claim.PullStream, deadline, claim.PullStatus, claim.PullError, cancellationToken);
        }
        finally
        {
            await pullLock.DisposeAsync();
        }

        if (part.NextStream is null)
        {
            await _alerts.RunFinishedAsync(request.RunId, CancellationToken.None);
        }

        return new PullOutcome(PullOutcomeKind.Pulled, part.Summaries, part.NextStream is { } next ? request.Continue(next) : null);
    }

    /// <summary>The source's pull lock (a session advisory lock on its own connection), or null when another process holds it.</summary>
    private async Task<SessionAdvisoryLock?> TryLockAsync(string source, CancellationToken cancellationToken) =>
        await PullLock.TryAcquireAsync(_dataSource, source, cancellationToken);

    private static StreamSummary SkippedSummary(Guid runId, string source) =>
        new(runId, source, "*", RunStatus.Skipped, 0, 0, 0, 0, 0, 0, TimeSpan.Zero, "another puller holds this source's lock");

    /// <summary>
    /// Holding the lock, any other run of this source still marked running is one whose process died: its session, and so
    /// its lock, died with it. Closed at once, whatever its heartbeat says (failed, or cancelled when an operator had asked).
    /// </summary>
    private async Task CloseAbandonedAsync(string source, Guid current, CancellationToken cancellationToken)
    {
        var abandoned = await _runs.CloseAbandonedAsync(source, TimeSpan.Zero, current, cancellationToken);
        if (abandoned.Failed > 0)
        {
            _logger.LogWarning("Closed {Count} abandoned run(s) of {Source} as failed (their process stopped)", abandoned.Failed, source);
        }

        if (abandoned.Cancelled > 0)
        {
            _logger.LogInformation("Closed {Count} abandoned run(s) of {Source} as cancelled (an operator had asked to cancel them; their process stopped before it stopped the pull)", abandoned.Cancelled, source);
        }
    }

    /// <summary>
    /// Pulls the source's streams from index <paramref name="firstStream"/> with the run heartbeating. Without a
    /// <paramref name="deadline"/> every stream is read to its end and the run finished. With one, reading stops once it
    /// passes (see <see cref="PullAsync"/>): the run is requeued and the index to resume at returned, unless nothing is left.
    /// <paramref name="part"/> is the part being pulled (0 outside the queue); <paramref name="earlierStatus"/> and
    /// <paramref name="earlierError"/> are what earlier parts of the run ended as.
    /// </summary>
    private async Task<(IReadOnlyList<StreamSummary> Summaries, int? NextStream)> PullStreamsAsync(
        SourceDefinition source, Guid runId, IBatchSink sink, string trigger, IProgress<SyncProgress>? progress, int part, int firstStream, DateTimeOffset? deadline, RunStatus? earlierStatus, string? earlierError, CancellationToken cancellationToken)
    {
        using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var beating = BeatAsync(runId, heartbeat.Token);
        var redactor = new SecretRedactor();
        try
        {
            PipelineLog.PullStarted(_logger, runId, source.Name, part, source.Streams.Count, firstStream, trigger);
            await _events.RecordAsync(runId, RunEventKinds.PullStarted, source.Name, null, null, new { part, firstStream, trigger }, cancellationToken);
            var plugin = _plugins.Get(source.Plugin);
            var context = new SourceContext(source, _secrets, _http.CreateClient(plugin.Name), _clock, _loggers.CreateLogger("Daedalus.Sources." + plugin.Name)) { Redactor = redactor };
            var summaries = new List<StreamSummary>();
            int? next = null;
            string? cancelledBy = null;
            for (var index = firstStream; index < source.Streams.Count; index++)
            {
                // A cancel request is honoured between streams too (and before the first: a request made while the
                // run waited between two parts, or a redelivery after the process that saw it died).
                if (await _runs.CancelRequestedByAsync(runId, cancellationToken) is { } by)
                {
                    cancelledBy = by;
                    break;
                }

                if (index > firstStream && deadline is { } limit && _clock.GetUtcNow() >= limit)
                {
                    next = index;
                    break;
                }

                var (summary, cut, stoppedBy) = await RunStreamAsync(source, source.Streams[index], plugin, context, runId, sink, progress, deadline, cancellationToken);
                summaries.Add(summary);
                if (stoppedBy is not null)
                {
                    cancelledBy = stoppedBy;
                    break;
                }

                if (cut)
                {
                    next = index;
                    break;
                }
            }

            var status = cancelledBy is null ? Worst([earlierStatus, .. summaries.Select(s => (RunStatus?)s.Status)]) : RunStatus.Cancelled;
            var error = string.Join("; ", new[] { earlierError }.Concat(summaries.Where(s => s.Error is not null).Select(s => $"{s.Stream}: {s.Error}")).Where(e => !string.IsNullOrEmpty(e)));
            if (cancelledBy is not null)
            {
                // What was enqueued before the stop still loads (the cursor covers exactly those batches); the run is
                // cancelled once they settled (RunStore.SettleAsync).
                error = string.Join("; ", new[] { error, $"cancelled by {cancelledBy}" }.Where(e => e.Length > 0));
                next = null;
                _logger.LogInformation("Run {RunId}: {Source} pull stopped at a batch boundary, cancelled by {Actor}", runId, source.Name, cancelledBy);
                await _events.RecordAsync(runId, RunEventKinds.PullCancelled, source.Name, summaries.LastOrDefault()?.Stream, null, new { part, by = cancelledBy, streams = summaries.Count }, CancellationToken.None);
            }

            PipelineLog.PullEnded(_logger, runId, source.Name, status.Name(), summaries.Count, next is not null);
            await _events.RecordAsync(runId, RunEventKinds.PullEnded, source.Name, null, null, new { part, status = status.Name(), streams = summaries.Count, continues = next is not null }, CancellationToken.None);
            if (next is { } resumeAt)
            {
                await _runs.RequeueAsync(runId, part + 1, resumeAt, status, error.Length == 0 ? null : error, CancellationToken.None);
                _logger.LogInformation("Run {RunId}: {Source} reached its pull time limit; continues at stream #{Stream}", runId, source.Name, resumeAt);
                return (summaries, next);
            }

            await _runs.FinishAsync(runId, status, error.Length == 0 ? null : error, _clock.GetUtcNow(), CancellationToken.None);
            return (summaries, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await _runs.FinishAsync(runId, RunStatus.Failed, redactor.Redact(ex.Message), _clock.GetUtcNow(), CancellationToken.None);
            throw;
        }
        catch (OperationCanceledException)
        {
            // The process's own token (shutdown, Ctrl-C). An operator who asked to cancel the run got what they asked
            // for, even though the pull stopped here rather than at its next batch boundary.
            var by = await _runs.CancelRequestedByAsync(runId, CancellationToken.None);
            await _runs.FinishAsync(
                runId,
                by is null ? RunStatus.Failed : RunStatus.Cancelled,
                by is null ? "cancelled" : $"cancelled by {(by.Length == 0 ? "an operator" : by)}; the process stopped before the pull reached a batch boundary",
                _clock.GetUtcNow(),
                CancellationToken.None);
            throw;
        }
        finally
        {
            await heartbeat.CancelAsync();
            await beating;
        }
    }

    private static RunStatus Worst(IEnumerable<RunStatus?> statuses)
    {
        var all = statuses.OfType<RunStatus>().ToList();
        return all.Contains(RunStatus.Failed) ? RunStatus.Failed : all.Contains(RunStatus.Partial) ? RunStatus.Partial : RunStatus.Succeeded;
    }

    /// <summary>Heartbeats the run until cancelled; a missed beat (database briefly away) is retried next interval.</summary>
    private async Task BeatAsync(Guid runId, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(RunStore.HeartbeatInterval, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await _runs.HeartbeatAsync(runId, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _logger.LogWarning("Heartbeat of run {RunId} failed: {Error}", runId, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
    }

    /// <summary>A batch whose predecessor failed or ended the stream: its gate is cancelled and its load rolled back.</summary>
    private static async Task WithdrawAsync(TaskCompletionSource gate, Task<BatchOutcome> accepting)
    {
        gate.TrySetCanceled();
        try
        {
            await accepting;
        }
        catch (Exception)
        {
            // Expected: OperationCanceledException from the gate, or its own failure before the gate; either way
            // nothing of it was committed, and the run reports the batch before it.
        }
    }

    /// <summary>
    /// One stream. It stops after any accepted batch once the run's cancellation is requested (and says by whom).
    /// With a <paramref name="deadline"/>, an incremental stream stops after the first batch accepted past it
    /// (its cursor is then the batch's, stored by the sink) and reports itself cut; a full refresh reads to its end.
    /// </summary>
    private async Task<(StreamSummary Summary, bool Cut, string? CancelledBy)> RunStreamAsync(SourceDefinition source, StreamDefinition stream, ISourcePlugin plugin, SourceContext context, Guid runId, IBatchSink sink, IProgress<SyncProgress>? progress, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        var cut = false;
        string? cancelledBy = null;
        var started = Stopwatch.GetTimestamp();
        long read = 0, loaded = 0, quarantined = 0, deleted = 0, stale = 0;
        var batches = 0;
        var status = RunStatus.Succeeded;
        string? error = null;
        var cursor = stream.Mode == SyncMode.Incremental ? await _cursors.GetAsync(source.Name, stream.Name, cancellationToken) : null;
        var idScope = stream.Mode == SyncMode.Full ? $"run:{runId:N}" : $"generation:{await _cursors.GetGenerationAsync(source.Name, stream.Name, cancellationToken)}";
        var lastCursor = cursor;
        Exception? lostLoad = null;
        try
        {
            var schema = await plugin.DescribeAsync(context, stream, cancellationToken);
            var pages = plugin.ReadAsync(context, new StreamReadRequest(stream, schema, cursor), cancellationToken);
            var channel = Channel.CreateBounded<StagedBatch>(new BoundedChannelOptions(_options.Prefetch) { SingleReader = true, SingleWriter = true });
            using var producerCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var producer = Task.Run(
                async () =>
                {
                    try
                    {
                        await foreach (var batch in Batcher.BatchAsync(pages, source.Name, schema, runId, cursor, idScope, _options.MaxBatchRows, _clock, producerCancellation.Token))
                        {
                            await channel.Writer.WriteAsync(await sink.StageAsync(batch, source, producerCancellation.Token), producerCancellation.Token);
                        }

                        channel.Writer.Complete();
                    }
                    catch (Exception ex)
                    {
                        channel.Writer.Complete(ex);
                    }
                },
                CancellationToken.None);

            // Two batches in flight: while one merges and commits, the next one's load already runs what nobody else
            // can see (its ledger row, its staging COPY) and waits on a gate this loop opens only once the previous
            // batch is accounted and the stream goes on. Commits, cursor moves and the stop decisions below stay in
            // stream order, one batch at a time.
            (StagedBatch Staged, Task<BatchOutcome> Accepting)? inFlight = null;
            try
            {
                while (true)
                {
                    // Only overlap with a batch that is already read: when the source has nothing ready, the batch in
                    // flight is settled first, so its failure, a cancel request or the deadline are seen at once.
                    if (inFlight is { } waiting && !channel.Reader.TryPeek(out _))
                    {
                        inFlight = null;
                        if (await AccountAsync(waiting.Staged, await waiting.Accepting))
                        {
                            break;
                        }
                    }

                    if (!await channel.Reader.WaitToReadAsync(cancellationToken))
                    {
                        break;
                    }

                    if (!channel.Reader.TryRead(out var staged))
                    {
                        continue;
                    }

                    // The same batch id twice in a row (identical rows of a stream without a cursor): the second's
                    // ledger insert would wait on the first's uncommitted row while the first waits for nothing, but
                    // the second's gate waits on the first: not overlapped.
                    if (inFlight is { } same && same.Staged.Batch.BatchId == staged.Batch.BatchId)
                    {
                        inFlight = null;
                        if (await AccountAsync(same.Staged, await same.Accepting))
                        {
                            break;
                        }
                    }

                    var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    var accepting = sink.AcceptAsync(staged, gate.Task, cancellationToken);
                    if (inFlight is { } previous)
                    {
                        inFlight = null;
                        bool stop;
                        try
                        {
                            stop = await AccountAsync(previous.Staged, await previous.Accepting);
                        }
                        catch
                        {
                            await WithdrawAsync(gate, accepting);
                            throw;
                        }

                        if (stop)
                        {
                            await WithdrawAsync(gate, accepting);
                            break;
                        }
                    }

                    gate.SetResult();
                    inFlight = (staged, accepting);
                }

                if (inFlight is { } last)
                {
                    inFlight = null;
                    await AccountAsync(last.Staged, await last.Accepting);
                }
            }
            finally
            {
                if (inFlight is { } abandoned)
                {
                    // The loop left early (the reader or the run's token failed) while its last batch, gate already
                    // open, was loading: wait for it and count it if it committed. If it failed, that failure is
                    // what the stream reports (a rate-limited source must not turn a failed load into "partial").
                    try
                    {
                        Count(abandoned.Staged, await abandoned.Accepting);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        lostLoad = ex;
                    }
                    catch (OperationCanceledException)
                    {
                        // The run's token: the cancellation already leaving this loop says it.
                    }
                }

                await producerCancellation.CancelAsync();
                await producer;
            }

            async Task<bool> AccountAsync(StagedBatch staged, BatchOutcome outcome)
            {
                Count(staged, outcome);
                var batch = staged.Batch;

                // A resumable boundary: the batch is enqueued and (in an incremental stream) the stored cursor
                // covers it, so the next run starts right after it. A batch cut mid-page carries no cursor: the
                // pull goes on to the page's last batch, as it does at its time limit.
                if ((stream.Mode != SyncMode.Incremental || batch.CursorTo is not null) && await _runs.CancelRequestedByAsync(runId, cancellationToken) is { } by)
                {
                    cancelledBy = by;
                    status = RunStatus.Cancelled;
                    return true;
                }

                if (deadline is { } limit && stream.Mode == SyncMode.Incremental && batch.CursorTo is not null && _clock.GetUtcNow() >= limit)
                {
                    cut = true;
                    return true;
                }

                return false;
            }

            void Count(StagedBatch staged, BatchOutcome outcome)
            {
                var batch = staged.Batch;
                read += staged.RowsRead;
                loaded += outcome.Loaded;
                quarantined += outcome.Quarantined;
                deleted += outcome.Deleted;
                stale += outcome.Stale;
                batches++;
                lastCursor = batch.CursorTo ?? lastCursor;
                progress?.Report(new SyncProgress(source.Name, stream.Name, read, loaded, batches, false));
            }
        }
        catch (SourceRateLimitedException ex) when (lostLoad is null)
        {
            // Not a failure: the cursor of the last stored batch is kept and the next tick resumes from it.
            // Whatever the source echoed (credentials included) is masked before it is stored or logged.
            status = RunStatus.Partial;
            error = $"rate limited, resuming next run: {context.Redactor.Redact(ex.Message)}";
            _logger.LogWarning("Source {Source} stream {Stream} stopped early: {Reason}", source.Name, stream.Name, context.Redactor.Redact(ex.Message));
        }
        catch (Exception caught) when (caught is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A load that failed while the reader failed too is the worse news: the stream reports that one.
            var ex = lostLoad ?? caught;
            status = RunStatus.Failed;
            error = context.Redactor.Redact(ex.Message);

            // Not LogError(ex, ...): the exception's own text may carry an echoed secret; its redacted form goes instead.
            _logger.LogError("Source {Source} stream {Stream} failed after {Batches} batches: {Error}", source.Name, stream.Name, batches, context.Redactor.Redact(ex.ToString()));
        }

        var duration = Stopwatch.GetElapsedTime(started);
        progress?.Report(new SyncProgress(source.Name, stream.Name, read, loaded, batches, true));
        await _runs.RecordStreamAsync(runId, stream.Name, read, batches, cursor, lastCursor, duration, CancellationToken.None);
        PipelineLog.StreamPulled(_logger, runId, source.Name, stream.Name, status.Name(), read, batches, (long)duration.TotalMilliseconds);
        await _events.RecordAsync(runId, RunEventKinds.StreamPulled, source.Name, stream.Name, null, new { status = status.Name(), rowsRead = read, batches, durationMs = (long)duration.TotalMilliseconds, cut, error }, CancellationToken.None);
        await using (var connection = await _dataSource.OpenConnectionAsync(CancellationToken.None))
        {
            await MetricRecorder.RecordPipelineAsync(
                connection,
                source.Name,
                stream.Name,
                _clock.GetUtcNow(),
                new Dictionary<string, double>
                {
                    ["daedalus_rows_read"] = read,
                    ["daedalus_rows_loaded"] = loaded,
                    ["daedalus_rows_quarantined"] = quarantined,
                    ["daedalus_run_duration_seconds"] = duration.TotalSeconds,
                    ["daedalus_run_failures"] = status == RunStatus.Failed ? 1 : 0,
                },
                CancellationToken.None);
        }

        return (new StreamSummary(runId, source.Name, stream.Name, status, read, loaded, quarantined, deleted, stale, batches, duration, error), cut, cancelledBy);
    }
}
