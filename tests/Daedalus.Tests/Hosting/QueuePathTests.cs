using System.Net;
using System.Text;
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
using Npgsql;

namespace Daedalus.Tests.Hosting;

/// <summary>The queue path on a real Azurite and PostgreSQL: claim checks, poison with errors, replay, malformed messages.</summary>
public sealed class QueuePathTests : IAsyncLifetime
{
    private CoreServices _core = null!;
    private Dictionary<string, string?> _settings = null!;
    private string _queueName = null!;

    public async Task InitializeAsync()
    {
        _queueName = AzuriteServer.UniqueQueueName("qp");
        var storage = await AzuriteServer.ConnectionStringAsync();
        _core = await CoreServices.StartAsync("queue", new Dictionary<string, string?> { ["AzureWebJobsStorage"] = storage, ["Daedalus:Queue:Name"] = _queueName, ["Daedalus:Queue:PullName"] = _queueName + "-pulls" });
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

    private async Task EnqueueAsync(SourceDefinition source)
    {
        await _core.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);
        var summaries = await _core.Get<SyncRunner>().RunAsync([source.Name], _core.Get<QueueSink>(), "test", null, CancellationToken.None);
        Assert.All(summaries, s => Assert.Equal(RunStatus.Succeeded, s.Status));
    }

    private async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        return await connection.ExecuteScalarAsync<T>(sql, args) ?? throw new InvalidOperationException("null: " + sql);
    }

    private static string? Check(JsonDocument status, string name) =>
        status.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).GetProperty("status").GetString();

    private async Task<int> BlobCountAsync(string prefix)
    {
        var count = 0;
        await foreach (var _ in _core.Get<AzureBatchQueue>().ClaimChecks.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, CancellationToken.None))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public async Task A_batch_over_64_KB_travels_as_a_blob_loads_and_the_blob_is_deleted()
    {
        await EnqueueAsync(Customers("big", 1_500));

        var queue = _core.Get<AzureBatchQueue>();
        var peeked = (await queue.Batches.PeekMessagesAsync(10)).Value;
        Assert.Equal(2, peeked.Length);
        foreach (var message in peeked)
        {
            Assert.True(message.Body.ToMemory().Length < 1024, "the queue message carries only the reference");
            Assert.NotNull(QueueWireFormat.ReadHeader(QueueWireFormat.Decode(message.Body)).ClaimCheck);
        }

        var largest = 0L;
        await foreach (var blob in queue.ClaimChecks.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "batches/", CancellationToken.None))
        {
            largest = Math.Max(largest, blob.Properties.ContentLength ?? 0);
        }

        Assert.True(largest > 64 * 1024, $"the 1,000-row envelope is {largest} bytes");

        await using (await SelfHostInstance.StartAsync(_settings))
        {
            await Eventually.TrueAsync(async () => await ScalarAsync<long>("SELECT count(*) FROM daedalus.batches") == 2 && await BlobCountAsync("batches/") == 0, TimeSpan.FromSeconds(60), "both batches loaded and their blobs deleted");
        }

        Assert.Equal(1_500, await ScalarAsync<long>("SELECT count(*) FROM big.customers") + await ScalarAsync<long>("SELECT count(*) FROM daedalus.quarantine"));
        Assert.Equal(0, (await queue.GetDepthAsync(CancellationToken.None)).Poison);
    }

    [Fact]
    public async Task Protected_columns_are_protected_before_the_queue_and_load_as_such()
    {
        var source = Customers("private", 400);
        await EnqueueAsync(source);
        var settings = SampleSettings.From(source);
        var plainEmails = Enumerable.Range(1, 400).Select(id => (string)SampleData.Customer(settings, 0, id)[2]!).ToList();

        var queue = _core.Get<AzureBatchQueue>();
        var messages = (await queue.Batches.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30))).Value;
        Assert.NotEmpty(messages);
        var handler = _core.Get<BatchMessageHandler>();
        foreach (var message in messages)
        {
            var payload = QueueWireFormat.Decode(message.Body);
            var envelope = await queue.OpenAsync(payload, QueueWireFormat.ReadHeader(payload), CancellationToken.None);
            var text = Encoding.UTF8.GetString(envelope!);
            Assert.Contains("enc:v1:", text, StringComparison.Ordinal);
            Assert.DoesNotContain(plainEmails, text.Contains);
            Assert.Equal(BatchMessageOutcome.Loaded, await handler.HandleAsync(new IncomingBatchMessage(message.MessageId, message.Body, message.DequeueCount, message.InsertedOn), CancellationToken.None));
            await queue.Batches.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }

        var stored = await ScalarAsync<string>("SELECT email FROM private.customers WHERE id = 1");
        Assert.Equal(plainEmails[0], await _core.Get<Daedalus.Security.ColumnProtector>().DecryptAsync(stored, CancellationToken.None));
        Assert.Equal(400, await ScalarAsync<long>("SELECT count(*) FROM private.customers") + await ScalarAsync<long>("SELECT count(*) FROM daedalus.quarantine WHERE source = 'private'"));
        Assert.All(await QueryEmailsInQuarantineAsync(), e => Assert.StartsWith("enc:v1:", e, StringComparison.Ordinal));
    }

    private async Task<List<string>> QueryEmailsInQuarantineAsync()
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        return (await connection.QueryAsync<string>("SELECT row->>'email' FROM daedalus.quarantine WHERE source = 'private'")).ToList();
    }

    [Fact]
    public async Task A_batch_that_always_fails_lands_in_poison_after_five_deliveries_with_its_error_and_replay_loads_it_once()
    {
        await EnqueueAsync(Customers("fragile", 300));
        await using (var connection = new NpgsqlConnection(_core.ConnectionString))
        {
            await connection.ExecuteAsync("""
                CREATE FUNCTION public.refuse_batches() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'target database is read-only for maintenance'; END $$;
                CREATE TRIGGER refuse BEFORE INSERT ON daedalus.batches FOR EACH ROW EXECUTE FUNCTION public.refuse_batches();
                """);
        }

        var queue = _core.Get<IBatchQueue>();
        await using (await SelfHostInstance.StartAsync(_settings))
        {
            await Eventually.TrueAsync(async () => (await queue.ListPoisonAsync(10, CancellationToken.None)).Count == 1, TimeSpan.FromSeconds(60), "the batch in the poison queue");
            var poison = Assert.Single(await queue.ListPoisonAsync(10, CancellationToken.None));
            Assert.Equal(5, poison.DequeueCount);
            Assert.Contains("read-only for maintenance", poison.Error);
            Assert.Equal("fragile", poison.Source);
            Assert.Equal("customers", poison.Stream);
            Assert.NotNull(poison.BatchId);
            // The worker sends to the poison queue, then deletes the original: under load the two calls are far
            // enough apart for a depth read to fall between them.
            await Eventually.TrueAsync(async () => (await queue.GetDepthAsync(CancellationToken.None)).Batches == 0, TimeSpan.FromSeconds(30), "the original message deleted");
            Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM daedalus.batches"));

            await using (var connection = new NpgsqlConnection(_core.ConnectionString))
            {
                await connection.ExecuteAsync("DROP TRIGGER refuse ON daedalus.batches");
            }

            Assert.Equal(1, await queue.ReplayPoisonAsync(null, CancellationToken.None));
            await Eventually.TrueAsync(async () => await ScalarAsync<long>("SELECT count(*) FROM daedalus.batches") == 1, TimeSpan.FromSeconds(30), "the replayed batch loaded");
            Assert.Equal(0, await queue.ReplayPoisonAsync(null, CancellationToken.None));
            Assert.Equal(poison.BatchId, await ScalarAsync<string>("SELECT batch_id FROM daedalus.batches"));
        }

        Assert.Equal(300L, await ScalarAsync<long>("SELECT sum(rows) FROM daedalus.batches"));
        Assert.Equal(300L, await ScalarAsync<long>("SELECT count(*) FROM fragile.customers") + await ScalarAsync<long>("SELECT count(*) FROM daedalus.quarantine"));
        Assert.Empty(await queue.ListPoisonAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task Malformed_messages_go_to_poison_with_a_clear_error_and_the_worker_goes_on()
    {
        var raw = new QueueClient(await AzuriteServer.ConnectionStringAsync(), _queueName);
        await raw.CreateIfNotExistsAsync();
        static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
        await raw.SendMessageAsync("%% not base64 %%");
        await raw.SendMessageAsync(B64("this is not json"));
        await raw.SendMessageAsync(B64("""{"version":99,"batchId":"b99","source":"s","stream":"t"}"""));
        await raw.SendMessageAsync(B64("""{"version":1,"batchId":"gone","source":"s","stream":"t","claimCheck":{"container":"CONTAINER","blob":"batches/s/gone.json","bytes":100000}}""".Replace("CONTAINER", _queueName, StringComparison.Ordinal)));

        var queue = _core.Get<IBatchQueue>();
        await using var host = await SelfHostInstance.StartAsync(_settings);
        await EnqueueAsync(Customers("healthy", 200));
        await Eventually.TrueAsync(
            async () => (await queue.ListPoisonAsync(10, CancellationToken.None)).Count == 4 && await ScalarAsync<long>("SELECT count(*) FROM daedalus.batches") == 1,
            TimeSpan.FromSeconds(60),
            "four malformed messages in poison and the valid batch loaded");

        var errors = (await queue.ListPoisonAsync(10, CancellationToken.None)).Select(p => p.Error).ToList();
        Assert.Contains(errors, e => e.Contains("not base64", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("not JSON", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("unknown batch envelope version 99", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("batches/s/gone.json", StringComparison.Ordinal) && e.Contains("does not exist", StringComparison.Ordinal));
        Assert.All(await queue.ListPoisonAsync(10, CancellationToken.None), p => Assert.Equal(1, p.DequeueCount));
    }

    [Fact]
    public async Task Status_is_200_with_every_dependency_and_503_naming_the_one_that_is_down()
    {
        await using (var host = await SelfHostInstance.StartAsync(_settings))
        {
            using var client = new HttpClient { BaseAddress = host.BaseAddress };
            using var response = await client.GetAsync(new Uri("/api/v1/status", UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            using var json = JsonDocument.Parse(body);
            foreach (var dependency in new[] { "postgresql", "queue", "keys" })
            {
                Assert.Equal("healthy", Check(json, dependency));
            }
        }

        var down = new Dictionary<string, string?>(_settings)
        {
            ["AzureWebJobsStorage"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;",
        };
        await using (var host = await SelfHostInstance.StartAsync(down))
        {
            using var client = new HttpClient { BaseAddress = host.BaseAddress };
            using var response = await client.GetAsync(new Uri("/api/v1/status", UriKind.Relative));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("unhealthy", Check(json, "queue"));
            Assert.Equal("healthy", Check(json, "postgresql"));
        }
    }
}
