using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using Daedalus.Batching;
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

/// <summary>
/// Claim-check blobs on a real Azurite: written gzip-compressed with the encoding recorded on the blob and in the
/// reference, and blobs written before compression (plain JSON, no encoding) still load.
/// </summary>
public sealed class ClaimCheckCompressionTests : IAsyncLifetime
{
    private CoreServices _core = null!;

    public async Task InitializeAsync()
    {
        var queueName = AzuriteServer.UniqueQueueName("cc");
        var storage = await AzuriteServer.ConnectionStringAsync();
        _core = await CoreServices.StartAsync("claimcheck", new Dictionary<string, string?> { ["AzureWebJobsStorage"] = storage, ["Daedalus:Queue:Name"] = queueName, ["Daedalus:Queue:PullName"] = queueName + "-pulls" });
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    [Fact]
    public async Task Claim_check_blobs_are_gzip_with_the_encoding_recorded_and_load_exactly()
    {
        await EnqueueAsync(Customers("zipped", 1_500));
        var queue = _core.Get<AzureBatchQueue>();
        var messages = (await queue.Batches.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(60))).Value;
        Assert.Equal(2, messages.Length);
        foreach (var message in messages)
        {
            var claimCheck = QueueWireFormat.ReadHeader(QueueWireFormat.Decode(message.Body)).ClaimCheck!;
            Assert.Equal("gzip", claimCheck.Encoding);
            var blob = queue.ClaimChecks.GetBlobClient(claimCheck.Blob);
            var properties = (await blob.GetPropertiesAsync()).Value;
            Assert.Equal("gzip", properties.ContentEncoding);
            Assert.Equal("application/json", properties.ContentType);
            Assert.Equal(claimCheck.Bytes, properties.ContentLength);

            // The stored bytes are a gzip stream whose content is the envelope, and smaller than it.
            var stored = (await blob.DownloadContentAsync()).Value.Content.ToArray();
            Assert.Equal([0x1f, 0x8b], stored[..2]);
            using var unzip = new GZipStream(new MemoryStream(stored), CompressionMode.Decompress);
            using var envelope = new MemoryStream();
            await unzip.CopyToAsync(envelope);
            Assert.Equal(claimCheck.EnvelopeBytes, envelope.Length);
            Assert.True(stored.Length < envelope.Length * 0.8, $"gzip kept {stored.Length} of {envelope.Length} bytes");
            Assert.Equal(BatchEnvelope.Version, JsonDocument.Parse(envelope.ToArray()).RootElement.GetProperty("version").GetInt32());

            Assert.Equal(BatchMessageOutcome.Loaded, await _core.Get<BatchMessageHandler>().HandleAsync(new IncomingBatchMessage(message.MessageId, message.Body, message.DequeueCount, message.InsertedOn), CancellationToken.None));
            await queue.Batches.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }

        Assert.Equal(1_500, await ScalarAsync<long>("SELECT count(*) FROM zipped.customers") + await ScalarAsync<long>("SELECT count(*) FROM daedalus.quarantine WHERE source = 'zipped'"));
        var settings = SampleSettings.From(Customers("zipped", 1_500));
        Assert.Equal(SampleData.Customer(settings, 0, 1_500)[1], await ScalarAsync<string>("SELECT name FROM zipped.customers WHERE id = 1500"));
    }

    [Fact]
    public async Task A_plain_json_claim_check_written_before_compression_still_loads()
    {
        await EnqueueAsync(Customers("plain", 1_200));
        var queue = _core.Get<AzureBatchQueue>();
        var messages = (await queue.Batches.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(60))).Value;
        Assert.NotEmpty(messages);
        foreach (var message in messages)
        {
            // Rewrite each delivery as an older build wrote it: the envelope as plain JSON, a reference without encoding.
            var payload = QueueWireFormat.Decode(message.Body);
            var header = QueueWireFormat.ReadHeader(payload);
            var envelope = (await queue.OpenAsync(payload, header, CancellationToken.None))!;
            var legacyBlob = header.ClaimCheck!.Blob.Replace(".json", ".legacy.json", StringComparison.Ordinal);
            await queue.ClaimChecks.GetBlobClient(legacyBlob).UploadAsync(new BinaryData(envelope), new BlobUploadOptions());
            var legacy = JsonSerializer.Serialize(new
            {
                version = 1,
                batchId = header.BatchId,
                source = header.Source,
                stream = header.Stream,
                claimCheck = new { container = header.ClaimCheck.Container, blob = legacyBlob, bytes = envelope.Length },
            });
            var body = new BinaryData(Convert.ToBase64String(Encoding.UTF8.GetBytes(legacy)));
            Assert.Null(QueueWireFormat.ReadHeader(QueueWireFormat.Decode(body)).ClaimCheck!.Encoding);

            Assert.Equal(BatchMessageOutcome.Loaded, await _core.Get<BatchMessageHandler>().HandleAsync(new IncomingBatchMessage(message.MessageId, body, 1, message.InsertedOn), CancellationToken.None));
            await queue.Batches.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            Assert.False((await queue.ClaimChecks.GetBlobClient(legacyBlob).ExistsAsync()).Value, "the legacy blob is deleted once loaded");
        }

        Assert.Equal(1_200, await ScalarAsync<long>("SELECT count(*) FROM plain.customers") + await ScalarAsync<long>("SELECT count(*) FROM daedalus.quarantine WHERE source = 'plain'"));
    }

    [Fact]
    public async Task A_claim_check_with_an_unknown_encoding_goes_to_poison_with_the_reason()
    {
        var queue = _core.Get<AzureBatchQueue>();
        await queue.EnsureCreatedAsync(CancellationToken.None);
        var reference = JsonSerializer.Serialize(new
        {
            version = 1,
            batchId = "b1",
            source = "s",
            stream = "t",
            claimCheck = new { container = queue.ClaimChecks.Name, blob = "batches/s/b1.json", bytes = 10, encoding = "zstd", envelopeBytes = 20 },
        });
        var body = new BinaryData(Convert.ToBase64String(Encoding.UTF8.GetBytes(reference)));
        Assert.Equal(BatchMessageOutcome.Poisoned, await _core.Get<BatchMessageHandler>().HandleAsync(new IncomingBatchMessage("m1", body, 1, DateTimeOffset.UtcNow), CancellationToken.None));
        var poison = Assert.Single(await queue.ListPoisonAsync(10, CancellationToken.None));
        Assert.Contains("zstd", poison.Error, StringComparison.Ordinal);
    }

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

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        return await connection.ExecuteScalarAsync<T>(sql) ?? throw new InvalidOperationException("null: " + sql);
    }
}
