using System.Text.Json;
using Azure.Storage.Queues;
using Daedalus.Configuration;
using Daedalus.Pipeline;
using Daedalus.Queues;
using Daedalus.Runs;
using Daedalus.Sources.Sample;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Daedalus.Tests.Hosting;

/// <summary>
/// Issue 10: a run's status is what happened, on a real Azurite and PostgreSQL. Queue runs are not succeeded before
/// their batches load; poisoned batches fail them with the rows that did not load; batches storage loses are
/// noticed and re-pulled; dead processes' runs are closed; an outage does not spend a batch's delivery budget.
/// </summary>
public sealed class RunTruthTests : IAsyncLifetime
{
    private CoreServices _core = null!;
    private Dictionary<string, string?> _settings = null!;
    private string _queueName = null!;

    public async Task InitializeAsync()
    {
        _queueName = AzuriteServer.UniqueQueueName("rt");
        var storage = await AzuriteServer.ConnectionStringAsync();
        _core = await CoreServices.StartAsync("truth", new Dictionary<string, string?> { ["AzureWebJobsStorage"] = storage, ["Daedalus:Queue:Name"] = _queueName, ["Daedalus:Queue:PullName"] = _queueName + "-pulls", ["Daedalus:Queue:LostAfter"] = "00:00:10" });
        _settings = await SelfHostInstance.SettingsAsync(_core.ConnectionString, _core.Directory, _queueName);
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    private static SourceDefinition Customers(string name, long customers)
    {
        var source = SampleSourceDefinition.Create(name, customers);
        source.Streams.RemoveAll(s => s.Name != "customers");
        source.Settings["maxGenerations"] = "0";
        return source;
    }

    private async Task<Guid> PullOntoQueueAsync(SourceDefinition source)
    {
        await _core.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);
        var summaries = await _core.Get<SyncRunner>().RunAsync([source.Name], _core.Get<QueueSink>(), "test", null, CancellationToken.None);
        return summaries.Single().RunId;
    }

    private async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        return (await connection.ExecuteScalarAsync<T>(sql, args))!;
    }

    private async Task<RunRecord> RunAsync(Guid id) => (await _core.Get<RunStore>().GetAsync(id, CancellationToken.None))!;

    [Fact]
    public async Task A_queue_run_is_loading_until_its_batches_load_then_succeeded()
    {
        var runId = await PullOntoQueueAsync(Customers("patient", 2_500));

        var enqueued = await RunAsync(runId);
        Assert.Equal(RunStatus.Loading, enqueued.Status);
        Assert.Null(enqueued.FinishedAt);

        await using (await SelfHostInstance.StartAsync(_settings))
        {
            await Eventually.TrueAsync(async () => (await RunAsync(runId)).Status == RunStatus.Succeeded, TimeSpan.FromSeconds(60), "the run succeeded once its 3 batches loaded");
        }

        var run = await RunAsync(runId);
        Assert.Equal(2_500, run.RowsLoaded + run.RowsQuarantined);
        Assert.Equal(3L, await ScalarAsync<long>("SELECT count(*) FROM daedalus.enqueued_batches WHERE run_id = @runId AND state = 'loaded'", new { runId }));
    }

    [Fact]
    public async Task Poisoned_batches_fail_the_run_with_the_rows_not_loaded_and_status_is_not_healthy_until_replayed()
    {
        var runId = await PullOntoQueueAsync(Customers("fragile", 300));
        await ScalarAsync<int>("""
            CREATE FUNCTION public.refuse_batches() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'target database is read-only for maintenance'; END $$;
            CREATE TRIGGER refuse BEFORE INSERT ON daedalus.batches FOR EACH ROW EXECUTE FUNCTION public.refuse_batches();
            """);

        await using var host = await SelfHostInstance.StartAsync(_settings);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        await Eventually.TrueAsync(async () => (await RunAsync(runId)).Status == RunStatus.Failed, TimeSpan.FromSeconds(60), "the run failed once its batch was poisoned");

        var failed = await RunAsync(runId);
        Assert.Equal((1, 300L), (failed.BatchesPoisoned, failed.RowsNotLoaded));
        Assert.Contains("in the poison queue", failed.Error, StringComparison.Ordinal);
        using (var status = JsonDocument.Parse(await http.GetStringAsync("/api/v1/status")))
        {
            Assert.Equal("degraded", status.RootElement.GetProperty("status").GetString());
            var batches = status.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "batches");
            Assert.Equal("degraded", batches.GetProperty("status").GetString());
        }

        await ScalarAsync<int>("DROP TRIGGER refuse ON daedalus.batches");
        Assert.Equal(1, await _core.Get<IBatchQueue>().ReplayPoisonAsync(null, CancellationToken.None));
        await Eventually.TrueAsync(async () => (await RunAsync(runId)).Status == RunStatus.Succeeded, TimeSpan.FromSeconds(60), "the run succeeded once the replayed batch loaded");
        Assert.Equal((0, 0L), ((await RunAsync(runId)).BatchesPoisoned, (await RunAsync(runId)).RowsNotLoaded));
    }

    [Fact]
    public async Task Batches_storage_loses_are_noticed_the_stream_is_rewound_to_the_hole_and_the_next_pull_heals_it()
    {
        var source = Customers("leaky", 2_500);
        var runId = await PullOntoQueueAsync(source);
        Assert.NotNull(await ScalarAsync<string?>("SELECT value FROM daedalus.cursors WHERE source = 'leaky'"));

        // Storage loses every acknowledged message (an Azurite killed before it persisted them, a wiped account).
        await new QueueClient(await AzuriteServer.ConnectionStringAsync(), _queueName).ClearMessagesAsync();
        await ScalarAsync<int>("UPDATE daedalus.enqueued_batches SET enqueued_at = now() - interval '1 minute'");
        var lost = await _core.Get<RunSupervisor>().SuperviseAsync(CancellationToken.None);

        Assert.Equal(3, lost.Count);
        var run = await RunAsync(runId);
        Assert.Equal((RunStatus.Failed, 3, 2_500L), (run.Status, run.BatchesLost, run.RowsNotLoaded));
        Assert.Contains("lost by storage", run.Error, StringComparison.Ordinal);
        Assert.Null(await ScalarAsync<string?>("SELECT value FROM daedalus.cursors WHERE source = 'leaky'"));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM daedalus.audit_log WHERE action = 'cursor.rewind' AND target = 'leaky/customers'"));

        var healing = await PullOntoQueueAsync(source);
        await using (await SelfHostInstance.StartAsync(_settings))
        {
            await Eventually.TrueAsync(async () => (await RunAsync(healing)).Status == RunStatus.Succeeded, TimeSpan.FromSeconds(60), "the re-pull loaded");
        }

        Assert.Equal(2_500L, await ScalarAsync<long>("SELECT count(*) FROM leaky.customers") + await ScalarAsync<long>("SELECT count(*) FROM daedalus.quarantine"));
    }

    [Fact]
    public async Task A_wiped_storage_account_gets_its_queue_and_container_back()
    {
        var queue = _core.Get<AzureBatchQueue>();
        await PullOntoQueueAsync(Customers("first", 10));
        await queue.Batches.DeleteAsync();
        await queue.ClaimChecks.DeleteAsync();

        await PullOntoQueueAsync(Customers("second", 1_200));

        Assert.True((await queue.GetDepthAsync(CancellationToken.None)).Batches >= 2);
        Assert.True((await queue.ClaimChecks.ExistsAsync()).Value);
    }

    [Fact]
    public async Task A_database_outage_defers_the_batch_without_spending_its_delivery_budget()
    {
        await PullOntoQueueAsync(Customers("outage", 300));
        var queue = _core.Get<AzureBatchQueue>();
        var message = Assert.Single((await queue.Batches.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30))).Value);

        // The same services, but PostgreSQL is unreachable (nothing listens on the port).
        var down = new Dictionary<string, string?>(_settings) { ["Daedalus:Database:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=x;Password=y;Database=z;Timeout=2" };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(down).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        Daedalus.Hosting.DaedalusServiceCollectionExtensions.AddDaedalusCore(services, configuration);
        await using var provider = services.BuildServiceProvider();
        var handler = provider.GetRequiredService<BatchMessageHandler>();

        // Even on what would be its last allowed delivery, an outage is not the batch's fault.
        var outcome = await handler.HandleAsync(new IncomingBatchMessage(message.MessageId, message.Body, 5, message.InsertedOn), CancellationToken.None);
        await queue.Batches.DeleteMessageAsync(message.MessageId, message.PopReceipt);

        Assert.Equal(BatchMessageOutcome.Deferred, outcome);
        Assert.Equal(0, (await queue.GetDepthAsync(CancellationToken.None)).Poison);
        await using (await SelfHostInstance.StartAsync(_settings))
        {
            await Eventually.TrueAsync(async () => await ScalarAsync<long>("SELECT count(*) FROM daedalus.batches") == 1, TimeSpan.FromSeconds(60), "the deferred batch loaded once the database was back");
        }
    }

    [Fact]
    public async Task A_sync_skipped_because_another_process_holds_the_source_exits_8()
    {
        await _core.Get<SourceCatalog>().UpsertAsync(Customers("held", 10), "test", CancellationToken.None);
        await using var holder = new NpgsqlConnection(_core.ConnectionString);
        await holder.OpenAsync();
        Assert.True(await holder.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_lock(hashtext('daedalus.pull.held'))"));

        var result = await CliProcess.RunAsync(
            new Dictionary<string, string>
            {
                ["Daedalus__Database__ConnectionString"] = _core.ConnectionString,
                ["Daedalus__Security__KeyFile"] = Path.Combine(_core.Directory, "keys.json"),
                ["Daedalus__Security__SecretFile"] = Path.Combine(_core.Directory, "secrets.json"),
            },
            _core.Directory,
            "sync",
            "held");

        Assert.Equal(8, result.ExitCode);
        Assert.Contains("skipped", result.Output + result.Error, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM daedalus.runs WHERE source = 'held'"));
    }

    [Fact]
    public async Task A_run_whose_process_died_is_closed_as_failed_by_the_next_look()
    {
        var id = Guid.CreateVersion7();
        await ScalarAsync<int>("INSERT INTO daedalus.runs (id, source, trigger, status, started_at, heartbeat_at) VALUES (@id, 'ghost', 'schedule', 'running', now() - interval '10 minutes', now() - interval '5 minutes')", new { id });
        var alive = Guid.CreateVersion7();
        await ScalarAsync<int>("INSERT INTO daedalus.runs (id, source, trigger, status, started_at, heartbeat_at) VALUES (@alive, 'busy', 'schedule', 'running', now(), now())", new { alive });

        await _core.Get<RunSupervisor>().SuperviseAsync(CancellationToken.None);

        var closed = await RunAsync(id);
        Assert.Equal(RunStatus.Failed, closed.Status);
        Assert.StartsWith("abandoned", closed.Error, StringComparison.Ordinal);
        Assert.NotNull(closed.FinishedAt);
        Assert.Equal(RunStatus.Running, (await RunAsync(alive)).Status);
    }

    /// <summary>A run row as a dead process left it: <paramref name="status"/>, heartbeat <paramref name="beatAgo"/> ago.</summary>
    private async Task<Guid> GhostAsync(string source, string status, TimeSpan beatAgo, int part = 1)
    {
        var id = Guid.CreateVersion7();
        await ScalarAsync<int>(
            "INSERT INTO daedalus.runs (id, source, trigger, status, started_at, heartbeat_at, pull_part, pull_stream) VALUES (@id, @source, 'schedule', @status, now() - interval '10 minutes', now() - make_interval(secs => @ago), @part, 0)",
            new { id, source, status, ago = beatAgo.TotalSeconds, part });
        return id;
    }

    /// <summary>An operator's cancel request, as the API records it for a running run (for a queued one it is what a requeue racing the request leaves).</summary>
    private Task RequestCancelOnRowAsync(Guid id, string actor) =>
        ScalarAsync<int>("UPDATE daedalus.runs SET cancel_requested_at = now(), cancel_requested_by = @actor WHERE id = @id", new { id, actor });

    /// <summary>A batch of an earlier part, on the batch queue and not loaded yet.</summary>
    private Task EnqueuedBatchAsync(Guid run, string source, string batchId, int rows) =>
        ScalarAsync<int>("INSERT INTO daedalus.enqueued_batches (batch_id, run_id, source, stream, sequence, rows) VALUES (@batchId, @run, @source, 'customers', 1, @rows)", new { batchId, run, source, rows });

    private async Task<List<(string Kind, string? Status)>> FinishedEventsAsync(Guid run)
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        return (await connection.QueryAsync<(string, string?)>("SELECT kind, detail ->> 'status' FROM daedalus.run_events WHERE run_id = @run AND kind = 'run.finished' ORDER BY id", new { run })).ToList();
    }

    [Fact]
    public async Task A_running_run_whose_process_died_after_a_cancel_request_is_closed_as_cancelled_saying_by_whom_and_that_it_was_never_acknowledged()
    {
        var id = await GhostAsync("ghost", "running", TimeSpan.Zero);
        Assert.Equal(RunStatus.Running, await _core.Get<RunStore>().RequestCancelAsync(id, "api:key:ops", CancellationToken.None));
        await ScalarAsync<int>("UPDATE daedalus.runs SET heartbeat_at = now() - interval '5 minutes' WHERE id = @id", new { id });

        await _core.Get<RunSupervisor>().SuperviseAsync(CancellationToken.None);

        var closed = await RunAsync(id);
        Assert.Equal(RunStatus.Cancelled, closed.Status);
        Assert.StartsWith("cancelled by api:key:ops; the process running it stopped before it acknowledged the cancel (last heartbeat ", closed.Error, StringComparison.Ordinal);
        Assert.NotNull(closed.FinishedAt);
        Assert.Equal("api:key:ops", closed.CancelRequestedBy);
        Assert.Equal("cancelled", await ScalarAsync<string>("SELECT pull_status FROM daedalus.runs WHERE id = @id", new { id }));
        // What the API, the CLI and the console list under each status.
        Assert.Equal([id], (await _core.Get<RunStore>().ListAsync(null, 10, RunStatus.Cancelled, CancellationToken.None)).Select(r => r.Id));
        Assert.Empty(await _core.Get<RunStore>().ListAsync(null, 10, RunStatus.Failed, CancellationToken.None));
        Assert.Equal([("run.finished", "cancelled")], await FinishedEventsAsync(id));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_sync_stopped_by_its_process_shutting_down_is_cancelled_when_an_operator_asked_and_failed_otherwise(bool asked)
    {
        var source = Customers("shutdown", 3_000);
        await _core.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);

        // Holds the load at its first ledger insert, so the shutdown certainly lands mid-pull; no timing involved.
        await using var holder = new NpgsqlConnection(_core.ConnectionString);
        await holder.OpenAsync();
        var hold = await holder.BeginTransactionAsync();
        await holder.ExecuteAsync("LOCK TABLE daedalus.batches IN EXCLUSIVE MODE", transaction: hold);

        using var shutdown = new CancellationTokenSource();
        var sync = _core.Get<SyncRunner>().RunAsync([source.Name], _core.Get<InProcessSink>(), "test", null, shutdown.Token);
        await Eventually.TrueAsync(
            async () => await ScalarAsync<long>("SELECT count(*) FROM pg_locks WHERE relation = 'daedalus.batches'::regclass AND NOT granted") > 0,
            TimeSpan.FromMinutes(1),
            "the load waits at its first batch");
        var id = await ScalarAsync<Guid>("SELECT id FROM daedalus.runs WHERE source = 'shutdown'");
        if (asked)
        {
            Assert.Equal(RunStatus.Running, await _core.Get<RunStore>().RequestCancelAsync(id, "api:key:ops", CancellationToken.None));
        }

        await shutdown.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sync);
        await hold.RollbackAsync();

        var run = await RunAsync(id);
        Assert.Equal(asked ? RunStatus.Cancelled : RunStatus.Failed, run.Status);
        Assert.Equal(asked ? "cancelled by api:key:ops; the process stopped before the pull reached a batch boundary" : "cancelled", run.Error);
        Assert.NotNull(run.FinishedAt);
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM daedalus.batches"));
    }

    [Fact]
    public async Task A_running_run_whose_process_died_without_a_cancel_request_is_still_failed_and_its_end_is_a_run_event()
    {
        var id = await GhostAsync("ghost", "running", TimeSpan.FromMinutes(5));

        await _core.Get<RunSupervisor>().SuperviseAsync(CancellationToken.None);

        var closed = await RunAsync(id);
        Assert.Equal(RunStatus.Failed, closed.Status);
        Assert.StartsWith("abandoned: the process running it stopped without finishing (last heartbeat ", closed.Error, StringComparison.Ordinal);
        Assert.Null(closed.CancelRequestedAt);
        Assert.Equal([("run.finished", "failed")], await FinishedEventsAsync(id));
    }

    [Fact]
    public async Task A_dead_run_with_a_cancel_request_stays_loading_while_batches_of_earlier_parts_load_then_is_cancelled_with_what_they_loaded()
    {
        var id = await GhostAsync("ghost", "running", TimeSpan.FromMinutes(5), part: 2);
        await RequestCancelOnRowAsync(id, "api:key:ops");
        await EnqueuedBatchAsync(id, "ghost", "b1", 100);
        await EnqueuedBatchAsync(id, "ghost", "b2", 100);
        await ScalarAsync<int>("UPDATE daedalus.enqueued_batches SET state = 'loaded', settled_at = now() WHERE batch_id = 'b1'; UPDATE daedalus.runs SET rows_loaded = 100 WHERE id = @id", new { id });

        await _core.Get<RunStore>().CloseAbandonedAsync(null, RunStore.AbandonedAfter, null, CancellationToken.None);

        var loading = await RunAsync(id);
        Assert.Equal(RunStatus.Loading, loading.Status);
        Assert.Null(loading.FinishedAt);
        Assert.Empty(await FinishedEventsAsync(id));

        // The last batch loads (the loader counts it and settles the run).
        await ScalarAsync<int>("UPDATE daedalus.enqueued_batches SET state = 'loaded', settled_at = now() WHERE batch_id = 'b2'; UPDATE daedalus.runs SET rows_loaded = rows_loaded + 100 WHERE id = @id", new { id });
        await _core.Get<RunStore>().SettleOpenRunsAsync(CancellationToken.None);

        var cancelled = await RunAsync(id);
        Assert.Equal(RunStatus.Cancelled, cancelled.Status);
        Assert.Equal(200, cancelled.RowsLoaded);
        Assert.NotNull(cancelled.FinishedAt);
        Assert.StartsWith("cancelled by api:key:ops; the process running it stopped before it acknowledged the cancel", cancelled.Error, StringComparison.Ordinal);
        Assert.Equal([("run.finished", "cancelled")], await FinishedEventsAsync(id));
    }

    [Fact]
    public async Task A_dead_run_without_a_cancel_request_stays_loading_while_batches_of_earlier_parts_load_then_fails_keeping_why()
    {
        var id = await GhostAsync("ghost", "running", TimeSpan.FromMinutes(5), part: 2);
        await EnqueuedBatchAsync(id, "ghost", "b1", 100);

        await _core.Get<RunStore>().CloseAbandonedAsync(null, RunStore.AbandonedAfter, null, CancellationToken.None);
        Assert.Equal(RunStatus.Loading, (await RunAsync(id)).Status);

        await ScalarAsync<int>("UPDATE daedalus.enqueued_batches SET state = 'loaded', settled_at = now() WHERE batch_id = 'b1'; UPDATE daedalus.runs SET rows_loaded = 100 WHERE id = @id", new { id });
        await _core.Get<RunStore>().SettleOpenRunsAsync(CancellationToken.None);

        var failed = await RunAsync(id);
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal(100, failed.RowsLoaded);
        Assert.StartsWith("abandoned: the process running it stopped without finishing", failed.Error, StringComparison.Ordinal);
        Assert.Equal([("run.finished", "failed")], await FinishedEventsAsync(id));
    }

    [Fact]
    public async Task The_next_in_process_pull_of_a_source_closes_its_dead_runs_as_cancelled_when_asked_and_failed_otherwise()
    {
        // Heartbeats are fresh: holding the source's lock, the puller knows their processes are gone.
        var asked = await GhostAsync("shop", "running", TimeSpan.Zero);
        await RequestCancelOnRowAsync(asked, "cli:ops");
        var dead = await GhostAsync("shop", "running", TimeSpan.Zero);

        var next = await PullOntoQueueAsync(Customers("shop", 50));

        var cancelled = await RunAsync(asked);
        Assert.Equal(RunStatus.Cancelled, cancelled.Status);
        Assert.StartsWith("cancelled by cli:ops; the process running it stopped before it acknowledged the cancel", cancelled.Error, StringComparison.Ordinal);
        Assert.Equal([("run.finished", "cancelled")], await FinishedEventsAsync(asked));
        var failed = await RunAsync(dead);
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.StartsWith("abandoned", failed.Error, StringComparison.Ordinal);
        Assert.NotEqual(RunStatus.Running, (await RunAsync(next)).Status);
    }

    [Fact]
    public async Task A_queued_run_whose_pull_request_was_lost_after_a_cancel_request_is_closed_as_cancelled()
    {
        // A cancel that reached a running part just before it requeued itself at its time limit leaves the run queued with
        // the request; its pull request is then lost by storage.
        var id = await GhostAsync("ghost", "queued", TimeSpan.FromMinutes(5), part: 2);
        await RequestCancelOnRowAsync(id, "api:key:ops");

        await _core.Get<RunSupervisor>().SuperviseAsync(CancellationToken.None);

        var closed = await RunAsync(id);
        Assert.Equal(RunStatus.Cancelled, closed.Status);
        Assert.StartsWith("cancelled by api:key:ops; its pull request was lost before a process acknowledged the cancel", closed.Error, StringComparison.Ordinal);
        Assert.NotNull(closed.FinishedAt);
        Assert.Equal([("run.finished", "cancelled")], await FinishedEventsAsync(id));
    }

    [Fact]
    public async Task A_queued_run_whose_pull_request_was_lost_without_a_cancel_request_is_still_failed_and_waits_for_earlier_batches()
    {
        var id = await GhostAsync("ghost", "queued", TimeSpan.FromMinutes(5), part: 2);
        await EnqueuedBatchAsync(id, "ghost", "b1", 100);

        await _core.Get<RunStore>().CloseLostPullsAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.Equal(RunStatus.Loading, (await RunAsync(id)).Status);

        await ScalarAsync<int>("UPDATE daedalus.enqueued_batches SET state = 'loaded', settled_at = now() WHERE batch_id = 'b1'", new { id });
        await _core.Get<RunStore>().SettleOpenRunsAsync(CancellationToken.None);

        var closed = await RunAsync(id);
        Assert.Equal(RunStatus.Failed, closed.Status);
        Assert.StartsWith("pull request lost: the pull queue was empty while this run waited for it", closed.Error, StringComparison.Ordinal);
        Assert.Equal([("run.finished", "failed")], await FinishedEventsAsync(id));
    }

    [Fact]
    public async Task A_run_whose_pull_request_is_poisoned_after_a_cancel_request_is_cancelled_and_a_replay_claims_nothing()
    {
        var id = await GhostAsync("ghost", "running", TimeSpan.FromMinutes(5));
        await RequestCancelOnRowAsync(id, "api:key:ops");

        Assert.True(await _core.Get<RunStore>().MarkPullPoisonedAsync(id, 1, "dequeued 6 times without completing (limit 5); a worker crashed or timed out on it each time", CancellationToken.None));

        var closed = await RunAsync(id);
        Assert.Equal(RunStatus.Cancelled, closed.Status);
        Assert.StartsWith("cancelled by api:key:ops; its pull request went to the pull poison queue before a process acknowledged the cancel: dequeued 6 times", closed.Error, StringComparison.Ordinal);
        Assert.Equal([("run.finished", "cancelled")], await FinishedEventsAsync(id));
        var replayed = await _core.Get<RunStore>().ClaimPullAsync(id, 1, CancellationToken.None);
        Assert.False(replayed!.Claimed);
        Assert.Equal(RunStatus.Cancelled, replayed.PullStatus);
    }

    [Fact]
    public async Task A_run_whose_pull_request_is_poisoned_without_a_cancel_request_is_still_failed_and_a_replay_resumes_it()
    {
        var id = await GhostAsync("ghost", "running", TimeSpan.FromMinutes(5));

        Assert.True(await _core.Get<RunStore>().MarkPullPoisonedAsync(id, 1, "worker crashed", CancellationToken.None));

        var closed = await RunAsync(id);
        Assert.Equal(RunStatus.Failed, closed.Status);
        Assert.StartsWith("pull request in the pull poison queue (replay it): worker crashed", closed.Error, StringComparison.Ordinal);
        Assert.Equal([("run.finished", "failed")], await FinishedEventsAsync(id));
        Assert.True((await _core.Get<RunStore>().ClaimPullAsync(id, 1, CancellationToken.None))!.Claimed);
    }
}
