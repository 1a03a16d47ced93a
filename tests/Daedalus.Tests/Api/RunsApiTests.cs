using System.Net;
using Daedalus.Api;
using Daedalus.Client;
using Daedalus.Runs;
using Daedalus.Sources.Sample;
using Daedalus.Tests.Infrastructure;
using Npgsql;

namespace Daedalus.Tests.Api;

/// <summary>Triggering pulls, their history, and cursor resets, through the API on a real PostgreSQL.</summary>
public sealed class RunsApiTests : IAsyncLifetime
{
    private ApiServer _server = null!;
    private DaedalusClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync("api_runs");
        _client = _server.Client(_server.WriteKey);
        await _client.ReplaceSourceAsync("shop", SourceSpecMapper.ToSpec(SampleSourceDefinition.Create("shop", 500, "shop")) with { Name = null });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<RunInfo> WaitAsync(Guid id)
    {
        var run = await _client.GetRunAsync("shop", id);
        for (var i = 0; run.Status == RunStatus.Running && i < 600; i++)
        {
            await Task.Delay(100);
            run = await _client.GetRunAsync("shop", id);
        }

        return run;
    }

    [Fact]
    public async Task Trigger_answers_202_with_a_location_that_shows_the_run_through_to_its_end()
    {
        using var http = _server.Http(_server.WriteKey);
        using var response = await http.PostAsync("/api/v1/sources/shop/runs", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = System.Text.Json.JsonSerializer.Deserialize<RunAccepted>(await response.Content.ReadAsStringAsync(), DaedalusJson.Options)!;
        Assert.Equal($"/api/v1/sources/shop/runs/{accepted.RunId}", response.Headers.Location?.ToString());

        var run = await WaitAsync(accepted.RunId);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(1_500, run.RowsRead);
        Assert.Equal(run.RowsRead, run.RowsLoaded + run.RowsQuarantined);
        Assert.True(run.Batches >= 2);
        Assert.NotNull(run.DurationSeconds);
        Assert.Equal(run.RowsLoaded, await _server.ScalarAsync<long>("SELECT (SELECT count(*) FROM shop.customers) + (SELECT count(*) FROM shop.invoices)"));

        var history = await _client.ListRunsAsync("shop", 5);
        Assert.Contains(history, r => r.Id == accepted.RunId && r.Status == RunStatus.Succeeded);
    }

    [Fact]
    public async Task A_runs_events_tell_what_happened_in_order_and_belong_to_that_source_only()
    {
        var accepted = await _client.TriggerRunAsync("shop");
        var run = await WaitAsync(accepted.RunId);
        Assert.Equal(RunStatus.Succeeded, run.Status);

        var events = await _client.ListRunEventsAsync("shop", run.Id);
        Assert.Equal(events.Select(e => e.Id).Order(), events.Select(e => e.Id));
        Assert.All(events, e => Assert.Equal(run.Id, e.RunId));
        var finished = events[^1];
        Assert.Equal("run.finished", finished.Kind);
        Assert.Equal("succeeded", finished.Detail.GetProperty("status").GetString());
        var loads = events.Where(e => e.Kind == "batch.loaded").ToList();
        Assert.Equal(run.Batches, loads.Count);
        Assert.All(loads, e => Assert.False(string.IsNullOrEmpty(e.BatchId)));
        Assert.Equal(run.RowsLoaded, loads.Sum(e => e.Detail.GetProperty("loaded").GetInt64()));
        Assert.Equal(["customers", "invoices"], events.Where(e => e.Kind == "stream.pulled").Select(e => e.Stream).Order());

        var firstTwo = await _client.ListRunEventsAsync("shop", run.Id, limit: 2);
        Assert.Equal(events.Take(2).Select(e => e.Id), firstTwo.Select(e => e.Id));

        using var http = _server.Http(_server.ReadKey);
        using (var raw = await http.GetAsync($"/api/v1/sources/shop/runs/{run.Id}/events"))
        {
            Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
            using var json = System.Text.Json.JsonDocument.Parse(await raw.Content.ReadAsStringAsync());
            Assert.Equal(events.Count, json.RootElement.GetProperty("items").GetArrayLength());
        }

        await _client.ReplaceSourceAsync("other", SourceSpecMapper.ToSpec(SampleSourceDefinition.Create("other", 10, "other")) with { Name = null });
        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<DaedalusApiException>(() => _client.ListRunEventsAsync("other", run.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<DaedalusApiException>(() => _client.ListRunEventsAsync("shop", Guid.NewGuid()))).StatusCode);
        using var notGuid = await http.GetAsync("/api/v1/sources/shop/runs/nope/events");
        Assert.Equal(HttpStatusCode.NotFound, notGuid.StatusCode);
        using var badLimit = await http.GetAsync($"/api/v1/sources/shop/runs/{run.Id}/events?limit=5001");
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
    }

    [Fact]
    public async Task Trigger_while_a_pull_holds_the_lock_answers_409_and_starts_nothing()
    {
        await using var connection = new NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync();
        await using (var hold = new NpgsqlCommand("SELECT pg_advisory_lock(hashtext('daedalus.pull.shop'))", connection))
        {
            await hold.ExecuteNonQueryAsync();
        }

        var runs = await _server.ScalarAsync<long>("SELECT count(*) FROM daedalus.runs");
        var conflict = await Assert.ThrowsAsync<DaedalusApiException>(() => _client.TriggerRunAsync("shop"));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var reset = await Assert.ThrowsAsync<DaedalusApiException>(() => _client.ResetStreamAsync("shop", "customers"));
        Assert.Equal(HttpStatusCode.Conflict, reset.StatusCode);
        Assert.Equal(runs, await _server.ScalarAsync<long>("SELECT count(*) FROM daedalus.runs"));
    }

    [Fact]
    public async Task Trigger_while_a_run_is_queued_answers_409_naming_that_run()
    {
        // What the console meets after creating a source: the scheduler's first run is queued before "Run now".
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

        using var http = _server.Http(_server.WriteKey);
        using var response = await http.PostAsync("/api/v1/sources/shop/runs", null);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(queued, problem.RootElement.GetProperty("runId").GetGuid());
        Assert.Equal($"/api/v1/sources/shop/runs/{queued}", problem.RootElement.GetProperty("run").GetString());
        Assert.Contains(queued.ToString(), problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1L, await _server.ScalarAsync<long>("SELECT count(*) FROM daedalus.runs WHERE source = 'shop'"));
    }

    [Fact]
    public async Task Reset_forgets_the_cursor_records_it_in_the_audit_log_and_the_next_pull_reads_everything_again()
    {
        var first = await WaitAsync((await _client.TriggerRunAsync("shop")).RunId);
        Assert.Equal(RunStatus.Succeeded, first.Status);
        var cursor = await _server.ScalarAsync<string>("SELECT value FROM daedalus.cursors WHERE source = 'shop' AND stream = 'customers'");

        var reset = await _client.ResetStreamAsync("shop", "customers");
        Assert.Equal(cursor, reset.PreviousCursor);
        Assert.Equal(0L, await _server.ScalarAsync<long>("SELECT count(*) FROM daedalus.cursors WHERE source = 'shop' AND stream = 'customers' AND value IS NOT NULL"));
        Assert.Equal(1, await _server.ScalarAsync<int>("SELECT generation FROM daedalus.cursors WHERE source = 'shop' AND stream = 'customers'"));
        Assert.Equal(cursor, await _server.ScalarAsync<string>("SELECT detail->>'previous' FROM daedalus.audit_log WHERE action = 'cursor.reset' AND target = 'shop/customers'"));
        Assert.StartsWith("api:key:", await _server.ScalarAsync<string>("SELECT actor FROM daedalus.audit_log WHERE action = 'cursor.reset'"), StringComparison.Ordinal);

        var second = await WaitAsync((await _client.TriggerRunAsync("shop")).RunId);
        Assert.Equal(RunStatus.Succeeded, second.Status);
        Assert.True(second.RowsRead >= 500, $"a full resync of customers reads them all again, read {second.RowsRead}");
    }

    [Fact]
    public async Task After_a_source_is_deleted_its_run_history_stays_readable()
    {
        var accepted = await _client.TriggerRunAsync("shop");
        Assert.Equal(RunStatus.Succeeded, (await WaitAsync(accepted.RunId)).Status);

        await _client.DeleteSourceAsync("shop");

        Assert.Contains(await _client.ListRunsAsync("shop"), r => r.Id == accepted.RunId && r.Status == RunStatus.Succeeded);
        Assert.Equal(accepted.RunId, (await _client.GetRunAsync("shop", accepted.RunId)).Id);
        // A name that never existed still answers 404.
        var ex = await Assert.ThrowsAsync<DaedalusApiException>(() => _client.ListRunsAsync("never-was"));
        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task Unknown_sources_streams_and_runs_answer_404()
    {
        foreach (var call in new Func<Task>[]
        {
            () => _client.TriggerRunAsync("nope"),
            () => _client.ListRunsAsync("nope"),
            () => _client.GetRunAsync("shop", Guid.NewGuid()),
            () => _client.ResetStreamAsync("shop", "nope"),
            () => _client.ResetStreamAsync("nope", "customers"),
        })
        {
            var ex = await Assert.ThrowsAsync<DaedalusApiException>(call);
            Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        }

        using var http = _server.Http(_server.ReadKey);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/v1/sources/shop/runs/not-a-guid")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/v1/sources/shop/runs?limit=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/v1/sources/shop/runs?limit=abc")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/v1/sources/shop/runs?page=2")).StatusCode);
    }
}
