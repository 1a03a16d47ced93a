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

namespace Daedalus.Tests.Api;

/// <summary>
/// Poison routes end to end on a real Azurite and PostgreSQL: batches really enqueued, really poisoned by the
/// queue worker, listed and replayed through the API, then loaded by the worker.
/// </summary>
public sealed class PoisonBatchesApiTests : IAsyncLifetime
{
    private ApiServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync("api_poison", new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = await AzuriteServer.ConnectionStringAsync(),
            ["Daedalus:Queue:Name"] = AzuriteServer.UniqueQueueName("apipoison"),
            ["Daedalus:Queue:PullName"] = AzuriteServer.UniqueQueueName("apipulls"),
            // The first failed delivery goes to poison, so the test needs no retry delays.
            ["Daedalus:Queue:MaxDequeueCount"] = "1",
        });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Lists_real_poison_replays_one_then_all_and_the_worker_loads_them()
    {
        var queue = _server.Get<AzureBatchQueue>();
        var shop = await EnqueueCustomersAsync("shop", 120);
        var store = await EnqueueCustomersAsync("store", 80);
        await AssertNeverExpiresAsync(queue.Batches, 2);

        await ExecuteAsync("""
            CREATE FUNCTION public.refuse_batches() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'target database is read-only for maintenance'; END $$;
            CREATE TRIGGER refuse BEFORE INSERT ON daedalus.batches FOR EACH ROW EXECUTE FUNCTION public.refuse_batches();
            """);
        var client = _server.Client(_server.WriteKey);
        await RunWorkerUntilAsync(async () => (await client.ListPoisonAsync()).Count == 2, "both batches in the poison queue");

        var poison = await client.ListPoisonAsync();
        Assert.Equal(["shop", "store"], poison.Select(p => p.Source).Order());
        Assert.All(poison, p =>
        {
            Assert.Equal("customers", p.Stream);
            Assert.Contains("read-only for maintenance", p.Error, StringComparison.Ordinal);
            Assert.NotNull(p.BatchId);
        });
        Assert.Equal(0, (await queue.GetDepthAsync(CancellationToken.None)).Batches);
        await AssertNeverExpiresAsync(queue.Poison, 2);
        Assert.Equal(0L, await _server.ScalarAsync<long>("SELECT count(*) FROM daedalus.batches"));
        await ExecuteAsync("DROP TRIGGER refuse ON daedalus.batches");

        // The first in queue order: the one received first, so the replay also receives (hides) the other one.
        var first = poison[0];
        Assert.Equal(1, (await client.ReplayPoisonAsync(first.MessageId)).Replayed);
        Assert.Equal([poison[1].MessageId], (await client.ListPoisonAsync()).Select(m => m.MessageId));
        var back = Assert.Single((await queue.Batches.PeekMessagesAsync(32)).Value);
        Assert.Equal(first.BatchId, QueueWireFormat.ReadHeader(QueueWireFormat.Decode(back.Body)).BatchId);
        var missing = await Assert.ThrowsAsync<DaedalusApiException>(() => client.ReplayPoisonAsync(first.MessageId));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        Assert.Equal(1, (await client.ReplayPoisonAsync()).Replayed);
        Assert.Empty(await client.ListPoisonAsync());
        await AssertNeverExpiresAsync(queue.Batches, 2);
        Assert.Equal(2L, await _server.ScalarAsync<long>("SELECT count(*) FROM daedalus.audit_log WHERE action = 'poison.replay'"));

        await RunWorkerUntilAsync(async () => await _server.ScalarAsync<long>("SELECT count(*) FROM daedalus.batches") == 2, "both replayed batches in the ledger");
        Assert.Equal(
            poison.Select(p => p.BatchId).Order(),
            (await _server.ScalarAsync<string[]>("SELECT array_agg(batch_id ORDER BY batch_id) FROM daedalus.batches")).Order());
        Assert.Equal(shop, await _server.ScalarAsync<long>("SELECT (SELECT count(*) FROM shop.customers) + (SELECT count(*) FROM daedalus.quarantine WHERE source = 'shop')"));
        Assert.Equal(store, await _server.ScalarAsync<long>("SELECT (SELECT count(*) FROM store.customers) + (SELECT count(*) FROM daedalus.quarantine WHERE source = 'store')"));
        Assert.Equal(new QueueDepth(0, 0), await queue.GetDepthAsync(CancellationToken.None));

        var status = await client.GetStatusAsync();
        Assert.Equal("healthy", status.Checks.Single(c => c.Name == "queue").Status);
    }

    [Fact]
    public async Task The_cli_prints_how_many_poison_messages_there_are_beside_the_ones_it_shows()
    {
        var queue = _server.Get<AzureBatchQueue>();
        Assert.Empty(await queue.ListPoisonAsync(32, CancellationToken.None));
        for (var i = 0; i < 3; i++)
        {
            await queue.Poison.SendMessageAsync($"left by a host {i}");
        }

        var directory = Path.Combine(Path.GetTempPath(), "daedalus-tests", "poison-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var remote = new Dictionary<string, string> { ["DAEDALUS_API_URL"] = _server.Address.ToString(), ["DAEDALUS_API_KEY"] = _server.ReadKey };
        try
        {
            var table = await CliProcess.RunAsync(remote, directory, "batches", "poison", "--limit", "2");
            Assert.True(table.ExitCode == 0, table.Error);
            Assert.Contains("showing 2 of 3 poison message(s)", table.Output, StringComparison.Ordinal);

            var all = await CliProcess.RunAsync(remote, directory, "batches", "poison");
            Assert.True(all.ExitCode == 0, all.Error);
            Assert.Contains("showing 3 of 3 poison message(s)", all.Output, StringComparison.Ordinal);

            // --json answers as the API does: the items shown and the total.
            var json = await CliProcess.RunAsync(remote, directory, "batches", "poison", "--limit", "2", "--json");
            Assert.True(json.ExitCode == 0, json.Error);
            using var document = System.Text.Json.JsonDocument.Parse(json.Output);
            Assert.Equal(2, document.RootElement.GetProperty("items").GetArrayLength());
            Assert.Equal(3, document.RootElement.GetProperty("total").GetInt64());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_host_without_a_queue_answers_503_problem_json()
    {
        await using var plain = await ApiServer.StartAsync("api_noqueue");
        var ex = await Assert.ThrowsAsync<DaedalusApiException>(() => plain.Client(plain.ReadKey).ListPoisonAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.NotNull(ex.Problem.Detail);
    }

    /// <summary>Queue messages default to a 7-day time-to-live; ours must never expire (an unreplayed poison batch would be lost).</summary>
    private static async Task AssertNeverExpiresAsync(Azure.Storage.Queues.QueueClient queue, int expected)
    {
        var messages = (await queue.PeekMessagesAsync(32)).Value;
        Assert.Equal(expected, messages.Length);
        Assert.All(messages, m => Assert.True(m.ExpiresOn > DateTimeOffset.UtcNow.AddYears(100), $"message {m.MessageId} expires on {m.ExpiresOn:O}"));
    }

    private async Task<long> EnqueueCustomersAsync(string name, long customers)
    {
        var source = SampleSourceDefinition.Create(name, customers, targetSchema: name);
        source.Streams.RemoveAll(s => s.Name != "customers");
        source.Settings["maxGenerations"] = "0";
        await _server.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);
        var summaries = await _server.Get<SyncRunner>().RunAsync([name], _server.Get<QueueSink>(), "test", null, CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, Assert.Single(summaries).Status);
        return customers;
    }

    /// <summary>Runs the self-host's real queue worker in process until the condition holds.</summary>
    private async Task RunWorkerUntilAsync(Func<Task<bool>> condition, string what)
    {
        using var worker = new QueueWorker(_server.Get<AzureBatchQueue>(), _server.Get<BatchMessageHandler>(), _server.Get<IOptions<QueueOptions>>(), NullLogger<QueueWorker>.Instance);
        await worker.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.TrueAsync(condition, TimeSpan.FromSeconds(60), what);
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
