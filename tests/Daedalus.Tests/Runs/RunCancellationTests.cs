using System.Net;
using System.Text.Json;
using Daedalus.Client;
using Daedalus.Queues;
using Daedalus.Runs;
using Daedalus.Sources.Sample;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Daedalus.Tests.Runs;

/// <summary>
/// Cancelling runs through the API, on a real Azurite and PostgreSQL with serve's pull and batch workers: a queued run
/// is cancelled at once and its request dropped when dequeued; a running pull stops at a batch boundary, what it
/// enqueued loads, and the next run completes the stream with every row exactly once.
/// </summary>
public sealed class RunCancellationTests : IAsyncLifetime
{
    private ApiServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync("cancel", new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = await AzuriteServer.ConnectionStringAsync(),
            ["Daedalus:Queue:Name"] = AzuriteServer.UniqueQueueName("cq"),
            ["Daedalus:Queue:PullName"] = AzuriteServer.UniqueQueueName("cqpulls"),
            ["Daedalus:Queue:RetryDelay"] = "00:00:00",
            ["Daedalus:Queue:VisibilityTimeout"] = "00:00:06",
            ["Daedalus:Queue:MaxPollingInterval"] = "00:00:00.250",
            ["Daedalus:Sync:MaxBatchRows"] = "100",
        });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<long> ApplyAsync(string name, long customers)
    {
        var source = SampleSourceDefinition.Create(name, customers, targetSchema: name);
        source.Streams.RemoveAll(s => s.Name != "customers");
        source.Settings["maxGenerations"] = "0";
        // Pages of 500 rows, 5 batches each: a cursor (a resumable boundary) every fifth batch.
        source.Settings["pageSize"] = "500";
        await _server.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);
        return customers;
    }

    /// <summary>Runs serve's pull worker and batch worker in this process until the condition holds.</summary>
    private async Task RunWorkersUntilAsync(Func<Task<bool>> condition, string what)
    {
        var options = _server.Get<IOptions<QueueOptions>>();
        using var pulls = new PullWorker(_server.Get<AzurePullQueue>(), _server.Get<PullMessageHandler>(), options, NullLogger<PullWorker>.Instance);
        using var batches = new QueueWorker(_server.Get<AzureBatchQueue>(), _server.Get<BatchMessageHandler>(), options, NullLogger<QueueWorker>.Instance);
        await pulls.StartAsync(CancellationToken.None);
        await batches.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.TrueAsync(condition, TimeSpan.FromMinutes(3), what);
        }
        finally
        {
            await pulls.StopAsync(CancellationToken.None);
            await batches.StopAsync(CancellationToken.None);
        }
    }

    private async Task<RunRecord> RunAsync(Guid id) =>
        await _server.Get<RunStore>().GetAsync(id, CancellationToken.None) ?? throw new InvalidOperationException($"run {id} does not exist");

    private async Task<List<string>> EventKindsAsync(Guid run)
    {
        await using var connection = new NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT kind FROM daedalus.run_events WHERE run_id = @run ORDER BY id", connection);
        command.Parameters.AddWithValue("run", run);
        var kinds = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            kinds.Add(reader.GetString(0));
        }

        return kinds;
    }

    private async Task<int> PullMessagesAsync() =>
        (await _server.Get<AzurePullQueue>().Pulls.GetPropertiesAsync()).Value.ApproximateMessagesCount;

    [Fact]
    public async Task A_queued_run_is_cancelled_at_once_its_request_is_dropped_when_dequeued_and_nothing_loads()
    {
        await ApplyAsync("shop", 500);
        var client = _server.Client(_server.WriteKey);
        var accepted = await client.TriggerRunAsync("shop");
        Assert.Equal(1, await PullMessagesAsync());

        // No worker runs yet: the run waits, queued, and is cancelled at once (200, final status).
        using var http = _server.Http(_server.WriteKey);
        using (var response = await http.PostAsync($"/api/v1/sources/shop/runs/{accepted.RunId}/cancel", null))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = JsonSerializer.Deserialize<RunInfo>(await response.Content.ReadAsStringAsync(), DaedalusJson.Options)!;
            Assert.Equal(RunStatus.Cancelled, body.Status);
            Assert.NotNull(body.CancelRequestedAt);
            Assert.NotNull(body.FinishedAt);
        }

        // The request still on the queue is taken by the pull worker, claims nothing and is completed (not poisoned).
        await RunWorkersUntilAsync(async () => await PullMessagesAsync() == 0, "the pull request was taken off the queue");
        var run = await RunAsync(accepted.RunId);
        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.StartsWith("cancelled by api:key:", run.Error, StringComparison.Ordinal);
        Assert.Empty(await client.ListPoisonPullsAsync());
        Assert.Equal(0L, await _server.ScalarAsync<long>("SELECT count(*) FROM daedalus.enqueued_batches"));
        Assert.Equal(0L, await _server.ScalarAsync<long>("SELECT count(*) FROM daedalus.batches"));
        Assert.Equal(0L, await _server.ScalarAsync<long>($"SELECT count(*) FROM daedalus.run_events WHERE run_id = '{accepted.RunId}' AND kind = 'pull.started'"));
        Assert.Equal(["run.queued", "run.cancel_requested", "run.finished"], await EventKindsAsync(accepted.RunId));
        Assert.Equal("cancelled", await _server.ScalarAsync<string>($"SELECT detail ->> 'status' FROM daedalus.run_events WHERE run_id = '{accepted.RunId}' AND kind = 'run.finished'"));
        // Audited like other writes.
        Assert.Equal(1L, await _server.ScalarAsync<long>($"SELECT count(*) FROM daedalus.audit_log WHERE action = 'run.cancel' AND target = 'shop/{accepted.RunId}'"));

        // Listed under its status, and a source can be pulled again at once.
        Assert.Equal([accepted.RunId], (await client.ListAllRunsAsync(10, RunStatus.Cancelled)).Select(r => r.Id));
        Assert.Empty(await client.ListAllRunsAsync(10, RunStatus.Failed));
        var next = await client.TriggerRunAsync("shop");
        Assert.NotEqual(accepted.RunId, next.RunId);
    }

    [Fact]
    public async Task A_running_pull_stops_at_a_batch_boundary_what_it_enqueued_loads_and_the_next_run_completes_the_stream_exactly_once()
    {
        var total = await ApplyAsync("shop", 5_000);
        var client = _server.Client(_server.WriteKey);
        var accepted = await client.TriggerRunAsync("shop");

        // Holds the puller at its first batch (recording a batch as enqueued needs a row lock this table lock excludes)
        // so the cancel request reaches a pull that is certainly running; no timing involved.
        await using var holder = new NpgsqlConnection(_server.ConnectionString);
        await holder.OpenAsync();
        var hold = await holder.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE daedalus.enqueued_batches IN EXCLUSIVE MODE", holder, hold))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var options = _server.Get<IOptions<QueueOptions>>();
        using var pulls = new PullWorker(_server.Get<AzurePullQueue>(), _server.Get<PullMessageHandler>(), options, NullLogger<PullWorker>.Instance);
        await pulls.StartAsync(CancellationToken.None);
        RunInfo requested;
        try
        {
            // The puller is past its first cancel check and waits to record its first batch.
            await Eventually.TrueAsync(
                async () => await _server.ScalarAsync<long>("SELECT count(*) FROM pg_locks WHERE relation = 'daedalus.enqueued_batches'::regclass AND NOT granted") > 0,
                TimeSpan.FromMinutes(1),
                "the pull is running and waits at its first batch");
            Assert.Equal(RunStatus.Running, (await RunAsync(accepted.RunId)).Status);

            requested = await client.CancelRunAsync(accepted.RunId);
            Assert.Equal(RunStatus.Running, requested.Status);
            Assert.NotNull(requested.CancelRequestedAt);
            // Asking again while it stops is accepted and changes nothing.
            Assert.Equal(requested.CancelRequestedAt, (await client.CancelRunAsync(accepted.RunId)).CancelRequestedAt);
            await hold.RollbackAsync();

            await Eventually.TrueAsync(async () => (await RunAsync(accepted.RunId)).Status is not RunStatus.Running, TimeSpan.FromMinutes(1), "the pull stopped");
        }
        finally
        {
            await pulls.StopAsync(CancellationToken.None);
        }

        await RunWorkersUntilAsync(async () => (await RunAsync(accepted.RunId)).Status == RunStatus.Cancelled, "the cancelled run's batches loaded");
        var cancelled = await RunAsync(accepted.RunId);
        // It stopped at the first resumable boundary after the request (the end of a page), long before the end.
        Assert.True(cancelled.Batches is > 0 and < 50, $"the pull stopped early ({cancelled.Batches} of 50 batches)");
        Assert.True(cancelled.RowsRead < total);
        Assert.Contains("cancelled by api:key:", cancelled.Error, StringComparison.Ordinal);
        var ledger = await _server.ScalarAsync<long>($"SELECT coalesce(sum(rows), 0)::bigint FROM daedalus.batches WHERE run_id = '{accepted.RunId}'");
        Assert.Equal(cancelled.RowsRead, ledger);
        Assert.Equal(cancelled.RowsRead, cancelled.RowsLoaded + cancelled.RowsQuarantined);
        Assert.Equal((long)cancelled.Batches, await _server.ScalarAsync<long>($"SELECT count(*) FROM daedalus.enqueued_batches WHERE run_id = '{accepted.RunId}' AND state = 'loaded'"));
        // The stored cursor is where the last enqueued batch put it.
        Assert.Equal(
            await _server.ScalarAsync<string>($"SELECT cursor_to FROM daedalus.run_streams WHERE run_id = '{accepted.RunId}' AND stream = 'customers'"),
            await _server.ScalarAsync<string>("SELECT value FROM daedalus.cursors WHERE source = 'shop' AND stream = 'customers'"));
        var kinds = await EventKindsAsync(accepted.RunId);
        Assert.Equal(1, kinds.Count(k => k == "run.cancel_requested"));
        Assert.Contains("pull.cancelled", kinds);
        Assert.Equal("run.finished", kinds[^1]);
        var conflict = await Assert.ThrowsAsync<DaedalusApiException>(() => client.CancelRunAsync(accepted.RunId));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);

        // The next run resumes from the cursor: every row lands once, none lost.
        var second = await client.TriggerRunAsync("shop");
        await RunWorkersUntilAsync(async () => (await RunAsync(second.RunId)).Status == RunStatus.Succeeded, "the next run succeeded");
        var completed = await RunAsync(second.RunId);
        Assert.Equal(total, cancelled.RowsRead + completed.RowsRead);
        Assert.Equal(total, cancelled.RowsLoaded + cancelled.RowsQuarantined + completed.RowsLoaded + completed.RowsQuarantined);
        var stored = await _server.ScalarAsync<long>("SELECT count(*) FROM shop.customers");
        Assert.Equal(cancelled.RowsLoaded + completed.RowsLoaded, stored);
        Assert.Equal(stored, await _server.ScalarAsync<long>("SELECT count(DISTINCT id) FROM shop.customers"));
        Assert.Equal(total, stored + await _server.ScalarAsync<long>("SELECT count(*) FROM daedalus.quarantine WHERE source = 'shop'"));
    }

    [Fact]
    public async Task A_running_run_whose_process_died_before_it_stopped_is_shown_cancelled_by_the_api_the_cli_and_its_events()
    {
        await ApplyAsync("shop", 10);
        var id = Guid.CreateVersion7();
        await using (var connection = new NpgsqlConnection(_server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand(
                "INSERT INTO daedalus.runs (id, source, trigger, status, started_at, heartbeat_at, pull_part, pull_stream) VALUES (@id, 'shop', 'schedule', 'running', now(), now(), 1, 0)",
                connection);
            insert.Parameters.AddWithValue("id", id);
            await insert.ExecuteNonQueryAsync();
        }

        // The cancel reaches a running pull (202, still running), whose process then dies before its next batch boundary.
        var client = _server.Client(_server.WriteKey);
        var requested = await client.CancelRunAsync(id);
        Assert.Equal(RunStatus.Running, requested.Status);
        await using (var connection = new NpgsqlConnection(_server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var stale = new NpgsqlCommand("UPDATE daedalus.runs SET heartbeat_at = now() - interval '5 minutes' WHERE id = @id", connection);
            stale.Parameters.AddWithValue("id", id);
            await stale.ExecuteNonQueryAsync();
        }

        await _server.Get<Daedalus.Pipeline.RunSupervisor>().SuperviseAsync(CancellationToken.None);

        // GET /api/v1/runs: under cancelled, not failed, saying who cancelled and that the cancel was never acknowledged.
        var listed = Assert.Single(await client.ListAllRunsAsync(10, RunStatus.Cancelled));
        Assert.Equal(id, listed.Id);
        Assert.NotNull(listed.FinishedAt);
        Assert.StartsWith("cancelled by api:key:", listed.Error, StringComparison.Ordinal);
        Assert.Contains("the process running it stopped before it acknowledged the cancel", listed.Error, StringComparison.Ordinal);
        Assert.Empty(await client.ListAllRunsAsync(10, RunStatus.Failed));

        // Its events end with run.finished: cancelled.
        var events = await client.ListRunEventsAsync("shop", id);
        Assert.Equal(["run.cancel_requested", "run.finished"], events.Select(e => e.Kind));
        Assert.Equal("cancelled", events[^1].Detail.GetProperty("status").GetString());

        // The CLI, through the API.
        var directory = Path.Combine(Path.GetTempPath(), "daedalus-tests", "cancel-dead-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var remote = new Dictionary<string, string> { ["DAEDALUS_API_URL"] = _server.Address.ToString(), ["DAEDALUS_API_KEY"] = _server.ReadKey };
        try
        {
            var cancelled = await CliProcess.RunAsync(remote, directory, "runs", "list", "--status", "cancelled", "--json");
            Assert.True(cancelled.ExitCode == 0, cancelled.Error);
            Assert.Equal([id], JsonSerializer.Deserialize<ItemList<RunInfo>>(cancelled.Output, DaedalusJson.Options)!.Items.Select(r => r.Id));
            var failed = await CliProcess.RunAsync(remote, directory, "runs", "list", "--status", "failed", "--json");
            Assert.True(failed.ExitCode == 0, failed.Error);
            Assert.Empty(JsonSerializer.Deserialize<ItemList<RunInfo>>(failed.Output, DaedalusJson.Options)!.Items);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Cancel_answers_404_for_an_unknown_run_and_409_with_the_status_for_a_finished_one_as_problem_json()
    {
        await ApplyAsync("shop", 10);
        using var http = _server.Http(_server.WriteKey);
        using (var missing = await http.PostAsync($"/api/v1/runs/{Guid.NewGuid()}/cancel", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        }

        using (var notAGuid = await http.PostAsync("/api/v1/sources/shop/runs/nope/cancel", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, notAGuid.StatusCode);
        }

        var finished = Guid.NewGuid();
        var loading = Guid.NewGuid();
        await using (var connection = new NpgsqlConnection(_server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO daedalus.runs (id, source, trigger, status, started_at, finished_at, pull_status) VALUES (@finished, 'shop', 'schedule', 'succeeded', now(), now(), 'succeeded');
                INSERT INTO daedalus.runs (id, source, trigger, status, started_at, pull_status) VALUES (@loading, 'shop', 'schedule', 'loading', now(), 'succeeded');
                """,
                connection);
            insert.Parameters.AddWithValue("finished", finished);
            insert.Parameters.AddWithValue("loading", loading);
            await insert.ExecuteNonQueryAsync();
        }

        // Under another source's name it is not that source's run.
        using (var elsewhere = await http.PostAsync($"/api/v1/sources/other/runs/{finished}/cancel", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
        }

        using (var done = await http.PostAsync($"/api/v1/sources/shop/runs/{finished}/cancel", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, done.StatusCode);
            Assert.Equal("application/problem+json", done.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await done.Content.ReadAsStringAsync());
            Assert.Equal("succeeded", problem.RootElement.GetProperty("status").GetString());
            Assert.Contains("already finished: succeeded", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using (var stillLoading = await http.PostAsync($"/api/v1/runs/{loading}/cancel", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, stillLoading.StatusCode);
            using var problem = JsonDocument.Parse(await stillLoading.Content.ReadAsStringAsync());
            Assert.Equal("loading", problem.RootElement.GetProperty("status").GetString());
        }

        // Neither was touched, and a read key may not cancel.
        Assert.Equal(0L, await _server.ScalarAsync<long>("SELECT count(*) FROM daedalus.runs WHERE cancel_requested_at IS NOT NULL"));
        using var reader = _server.Http(_server.ReadKey);
        using var denied = await reader.PostAsync($"/api/v1/runs/{finished}/cancel", null);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);

        // An unknown status filter is a 400 naming the allowed ones.
        using var badFilter = await http.GetAsync("/api/v1/runs?status=done");
        Assert.Equal(HttpStatusCode.BadRequest, badFilter.StatusCode);
        Assert.Contains("cancelled", await badFilter.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_CLI_cancels_a_queued_run_by_its_id_alone_in_local_mode_with_the_usual_exit_codes()
    {
        await ApplyAsync("shop", 10);
        var queued = Guid.NewGuid();
        await using (var connection = new NpgsqlConnection(_server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand(
                "INSERT INTO daedalus.runs (id, source, trigger, status, started_at, heartbeat_at, pull_part, pull_stream) VALUES (@id, 'shop', 'schedule', 'queued', now(), now(), 1, 0)",
                connection);
            insert.Parameters.AddWithValue("id", queued);
            await insert.ExecuteNonQueryAsync();
        }

        var directory = Path.Combine(Path.GetTempPath(), "daedalus-tests", "cancel-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var local = new Dictionary<string, string>
        {
            ["Daedalus__Database__ConnectionString"] = _server.ConnectionString,
            ["Daedalus__Security__KeyFile"] = Path.Combine(directory, "keys.json"),
            ["Daedalus__Security__SecretFile"] = Path.Combine(directory, "secrets.json"),
        };
        try
        {
            var cancel = await CliProcess.RunAsync(local, directory, "runs", "cancel", queued.ToString(), "--json");
            Assert.True(cancel.ExitCode == 0, cancel.Error);
            var run = JsonSerializer.Deserialize<RunInfo>(cancel.Output, DaedalusJson.Options)!;
            Assert.Equal(queued, run.Id);
            Assert.Equal(RunStatus.Cancelled, run.Status);
            Assert.Equal("cancelled", await _server.ScalarAsync<string>($"SELECT status FROM daedalus.runs WHERE id = '{queued}'"));
            Assert.Equal(1L, await _server.ScalarAsync<long>($"SELECT count(*) FROM daedalus.audit_log WHERE action = 'run.cancel' AND target = 'shop/{queued}'"));

            var listed = await CliProcess.RunAsync(local, directory, "runs", "list", "--status", "cancelled", "--json");
            Assert.True(listed.ExitCode == 0, listed.Error);
            Assert.Equal([queued], JsonSerializer.Deserialize<ItemList<RunInfo>>(listed.Output, DaedalusJson.Options)!.Items.Select(r => r.Id));

            var again = await CliProcess.RunAsync(local, directory, "runs", "cancel", queued.ToString());
            Assert.Equal(7, again.ExitCode);
            Assert.Contains("already finished: cancelled", again.Output + again.Error, StringComparison.Ordinal);
            Assert.Equal(4, (await CliProcess.RunAsync(local, directory, "runs", "cancel", Guid.NewGuid().ToString())).ExitCode);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
