using System.Net;
using Daedalus.Client;
using Daedalus.Pipeline;
using Daedalus.Queues;
using Daedalus.Runs;
using Daedalus.Sources.Sample;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Daedalus.Tests.Hosting;

/// <summary>
/// Pulls as work items on the pull queue, on a real Azurite and PostgreSQL: the API enqueues and answers with the run,
/// the self-host's pull and batch workers (the same handlers as the <c>pull</c> and <c>ingest</c> functions) do the
/// work; duplicates pull nothing; time-limited parts continue the same run; poisoned requests are listed and replayed.
/// </summary>
public sealed class PullQueueTests : IAsyncLifetime
{
    private readonly List<ApiServer> _servers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }

    private async Task<ApiServer> StartAsync(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = await AzuriteServer.ConnectionStringAsync(),
            ["Daedalus:Queue:Name"] = AzuriteServer.UniqueQueueName("pq"),
            ["Daedalus:Queue:PullName"] = AzuriteServer.UniqueQueueName("pqpulls"),
            ["Daedalus:Queue:RetryDelay"] = "00:00:00",
            ["Daedalus:Queue:VisibilityTimeout"] = "00:00:06",
            ["Daedalus:Queue:MaxPollingInterval"] = "00:00:00.250",
            ["Daedalus:Sync:MaxBatchRows"] = "500",
        };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        var server = await ApiServer.StartAsync("pulls", values);
        _servers.Add(server);
        return server;
    }

    private static async Task<long> ApplyAsync(ApiServer server, string name, long customers)
    {
        var source = SampleSourceDefinition.Create(name, customers, targetSchema: name);
        source.Streams.RemoveAll(s => s.Name != "customers");
        source.Settings["maxGenerations"] = "0";
        await server.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);
        return customers;
    }

    /// <summary>Runs serve's pull worker and batch worker in this process until the condition holds.</summary>
    private static async Task RunWorkersUntilAsync(ApiServer server, Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var options = server.Get<IOptions<QueueOptions>>();
        using var pulls = new PullWorker(server.Get<AzurePullQueue>(), server.Get<PullMessageHandler>(), options, NullLogger<PullWorker>.Instance);
        using var batches = new QueueWorker(server.Get<AzureBatchQueue>(), server.Get<BatchMessageHandler>(), options, NullLogger<QueueWorker>.Instance);
        await pulls.StartAsync(CancellationToken.None);
        await batches.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.TrueAsync(condition, timeout ?? TimeSpan.FromSeconds(90), what);
        }
        catch (TimeoutException ex)
        {
            // What the runs and their batches ended as, so a timeout on a loaded machine says which wait never ended.
            var state = await server.ScalarAsync<string>(
                """
                SELECT concat_ws(' / ',
                    (SELECT string_agg(concat_ws(' ', id, status, pull_status, 'part', pull_part, error), '; ') FROM daedalus.runs),
                    (SELECT string_agg(concat_ws(' ', state, n), ', ') FROM (SELECT state, count(*) AS n FROM daedalus.enqueued_batches GROUP BY state) b))
                """);
            throw new TimeoutException($"{ex.Message}; runs and batches: {state}", ex);
        }
        finally
        {
            await pulls.StopAsync(CancellationToken.None);
            await batches.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<RunRecord> RunAsync(ApiServer server, Guid id) =>
        await server.Get<RunStore>().GetAsync(id, CancellationToken.None) ?? throw new InvalidOperationException($"run {id} does not exist");

    private static Task<long> LedgerRowsAsync(ApiServer server, Guid run) =>
        server.ScalarAsync<long>($"SELECT coalesce(sum(rows), 0)::bigint FROM daedalus.batches WHERE run_id = '{run}'");

    [Fact]
    public async Task An_API_triggered_run_is_a_pull_request_on_the_pull_queue_and_its_batches_go_through_the_batch_queue()
    {
        var server = await StartAsync();
        var total = await ApplyAsync(server, "shop", 1_200);
        var client = server.Client(server.WriteKey);

        var accepted = await client.TriggerRunAsync("shop");

        // Nothing pulled inside the request: the run waits, queued, and its request is the one message on the pull queue.
        var run = await RunAsync(server, accepted.RunId);
        Assert.Equal(RunStatus.Queued, run.Status);
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM daedalus.batches"));
        var messages = (await server.Get<AzurePullQueue>().Pulls.PeekMessagesAsync(32)).Value;
        var request = PullRequest.Deserialize(QueueWireFormat.Decode(Assert.Single(messages).Body));
        Assert.Equal(new PullRequest(accepted.RunId, "shop", run.Trigger, 1, 0), request with { TraceParent = null });
        // The pull continues the trace of the request that queued it.
        Assert.True(System.Diagnostics.ActivityContext.TryParse(request.TraceParent, null, out _), $"traceparent '{request.TraceParent}'");
        // A second trigger while it waits is refused.
        var conflict = await Assert.ThrowsAsync<DaedalusApiException>(() => client.TriggerRunAsync("shop"));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);

        await RunWorkersUntilAsync(server, async () => (await RunAsync(server, accepted.RunId)).Status == RunStatus.Succeeded, "the run succeeded");

        run = await RunAsync(server, accepted.RunId);
        Assert.Equal(total, run.RowsRead);
        Assert.Equal(total, run.RowsLoaded + run.RowsQuarantined);
        Assert.Equal(total, await LedgerRowsAsync(server, accepted.RunId));
        // Every batch of the run went through the batch queue (recorded as enqueued, then loaded by the worker).
        Assert.Equal((long)run.Batches, await server.ScalarAsync<long>($"SELECT count(*) FROM daedalus.enqueued_batches WHERE run_id = '{accepted.RunId}' AND state = 'loaded'"));
        Assert.True(run.Batches >= 3);
    }

    [Fact]
    public async Task A_duplicated_pull_request_never_pulls_the_source_twice()
    {
        var server = await StartAsync();
        var total = await ApplyAsync(server, "shop", 3_000);
        var run = await server.Get<PullRequester>().RequestAsync("shop", "test", CancellationToken.None);
        var body = (await server.Get<AzurePullQueue>().Pulls.PeekMessagesAsync(1)).Value.Single().Body;
        var handler = server.Get<PullMessageHandler>();

        // Two deliveries of the same request at once: one pulls, the other finds the source locked and is sent again for later.
        var outcomes = await Task.WhenAll(
            handler.HandleAsync(new IncomingBatchMessage("copy-1", body, 1, DateTimeOffset.UtcNow), CancellationToken.None),
            handler.HandleAsync(new IncomingBatchMessage("copy-2", body, 1, DateTimeOffset.UtcNow), CancellationToken.None));
        Assert.Equal(1, outcomes.Count(o => o == PullOutcomeKind.Pulled));
        // A late copy, after the part was pulled: claims nothing, pulls nothing.
        Assert.Equal(PullOutcomeKind.Duplicate, await handler.HandleAsync(new IncomingBatchMessage("copy-3", body, 2, DateTimeOffset.UtcNow), CancellationToken.None));

        // The original message and the re-sent copy are on the queue too: the workers drain everything.
        await RunWorkersUntilAsync(
            server,
            async () => (await RunAsync(server, run)).Status == RunStatus.Succeeded && (await server.Get<AzurePullQueue>().GetDepthAsync(CancellationToken.None)).Batches == 0,
            "the run succeeded and the pull queue is empty");

        var record = await RunAsync(server, run);
        Assert.Equal(total, record.RowsRead);
        Assert.Equal(total, await server.ScalarAsync<long>("SELECT coalesce(sum(rows), 0)::bigint FROM daedalus.enqueued_batches"));
        Assert.Equal(total, await LedgerRowsAsync(server, run));
        Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM daedalus.runs"));
    }

    [Fact]
    public async Task A_pull_past_its_time_limit_stores_its_cursor_enqueues_its_continuation_and_the_run_completes()
    {
        var server = await StartAsync(("Daedalus:Sync:PullTimeLimit", "00:00:01"), ("Daedalus:Sync:MaxBatchRows", "100"));
        var total = await ApplyAsync(server, "shop", 20_000);
        var run = await server.Get<PullRequester>().RequestAsync("shop", "test", CancellationToken.None);

        await RunWorkersUntilAsync(server, async () => (await RunAsync(server, run)).Status == RunStatus.Succeeded, "the run succeeded", TimeSpan.FromMinutes(3));

        var parts = await server.ScalarAsync<int>($"SELECT pull_part FROM daedalus.runs WHERE id = '{run}'");
        Assert.True(parts >= 2, $"the pull was cut into parts (pull_part {parts})");
        var record = await RunAsync(server, run);
        Assert.Equal(total, record.RowsRead);
        // The sample data holds a few rows its QA rules refuse: every row is loaded or quarantined, once.
        Assert.Equal(total, record.RowsLoaded + record.RowsQuarantined);
        Assert.Equal(total, await LedgerRowsAsync(server, run));
        Assert.Equal(record.RowsLoaded, await server.ScalarAsync<long>("SELECT count(*) FROM shop.customers"));
        Assert.Equal(total, await server.ScalarAsync<long>($"SELECT rows_read FROM daedalus.run_streams WHERE run_id = '{run}' AND stream = 'customers'"));
        Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM daedalus.runs"));
    }

    [Fact]
    public async Task A_poisoned_pull_request_fails_its_run_is_listed_and_a_replay_resumes_the_same_run()
    {
        var server = await StartAsync(("Daedalus:Queue:MaxDequeueCount", "1"));
        var total = await ApplyAsync(server, "shop", 700);
        var client = server.Client(server.WriteKey);
        var accepted = await client.TriggerRunAsync("shop");
        // The source goes away before a worker takes the request: it can never run as it is.
        await client.DeleteSourceAsync("shop");

        await RunWorkersUntilAsync(server, async () => (await client.ListPoisonPullsAsync()).Count == 1, "the request in the pull poison queue");

        var poison = Assert.Single(await client.ListPoisonPullsAsync());
        Assert.Equal(accepted.RunId, poison.RunId);
        Assert.Equal("shop", poison.Source);
        Assert.Contains("source 'shop' is not configured", poison.Error, StringComparison.Ordinal);
        var failed = await client.GetRunAsync("shop", accepted.RunId);
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Contains("pull poison queue", failed.Error, StringComparison.Ordinal);

        await ApplyAsync(server, "shop", total);
        Assert.Equal(1, (await client.ReplayPoisonPullsAsync(poison.MessageId)).Replayed);
        Assert.Empty(await client.ListPoisonPullsAsync());
        await RunWorkersUntilAsync(server, async () => (await RunAsync(server, accepted.RunId)).Status == RunStatus.Succeeded, "the replayed run succeeded");
        Assert.Equal(total, await LedgerRowsAsync(server, accepted.RunId));
        Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM daedalus.runs"));
    }

    [Fact]
    public async Task The_function_key_query_parameter_is_accepted_on_every_GET_route_with_query_parameters()
    {
        var server = await StartAsync();
        await ApplyAsync(server, "shop", 10);
        using var http = server.Http(server.ReadKey);
        foreach (var path in new[]
        {
            $"{ApiPaths.Runs("shop")}?limit=5&code=function-key",
            $"{ApiPaths.PoisonBatches}?limit=5&code=function-key",
            $"{ApiPaths.PoisonPulls}?code=function-key",
            $"{ApiPaths.Timeseries}?metric=daedalus_rows_read&code=function-key",
            $"{ApiPaths.TimeseriesPoints}?metric=daedalus_rows_read&code=function-key",
        })
        {
            using var response = await http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        // Other unknown parameters are still refused by name.
        using var unknown = await http.GetAsync($"{ApiPaths.Runs("shop")}?limt=5&code=function-key");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("limt", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
