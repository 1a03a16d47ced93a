using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Daedalus.Alerting;
using Daedalus.Batching;
using Daedalus.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Daedalus.Queues;

/// <summary>
/// <see cref="IBatchQueue"/> on Azure Storage queues (Azurite locally). Envelopes above
/// <see cref="QueueOptions.ClaimCheckThresholdBytes"/> go to a blob, gzip-compressed (<see cref="ClaimCheckCodec"/>), and the
/// message carries the reference.
/// Also the low-level operations both hosts share: open a delivery (resolve its claim check), move it to
/// poison with its error, delete a claim check.
/// </summary>
public sealed class AzureBatchQueue : IBatchQueue
{
    private const int PeekLimit = 32;

    /// <summary>
    /// Never expire: the service's default time-to-live is 7 days, after which an unreplayed poison batch or a
    /// long backlog would be dropped silently (-1 seconds means infinite).
    /// </summary>
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);
    private readonly QueueOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<AzureBatchQueue> _logger;
    private readonly SemaphoreSlim _createGate = new(1, 1);
    private readonly PipelineAlerts? _alerts;
    private bool _created;

    public AzureBatchQueue(StorageClients clients, IOptions<QueueOptions> options, TimeProvider clock, ILogger<AzureBatchQueue> logger, PipelineAlerts? alerts = null)
    {
        _alerts = alerts;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        Batches = clients.Queues.GetQueueClient(_options.Name);
        Poison = clients.Queues.GetQueueClient(_options.PoisonName);
        ClaimChecks = clients.Blobs.GetBlobContainerClient(_options.ClaimCheckContainer);
    }

    public QueueClient Batches { get; }

    public QueueClient Poison { get; }

    public BlobContainerClient ClaimChecks { get; }

    /// <summary>Creates the queues and the claim-check container once per process (idempotent).</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await _createGate.WaitAsync(cancellationToken);
        try
        {
            if (!_created)
            {
                await Batches.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                await Poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                await ClaimChecks.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                _created = true;
            }
        }
        finally
        {
            _createGate.Release();
        }
    }

    public Task EnqueueAsync(Batch batch, CancellationToken cancellationToken) =>
        RecreatingAsync(() => EnqueueOnceAsync(batch, cancellationToken), cancellationToken);

    /// <summary>
    /// Sends a delivery again as a new message, visible after <paramref name="delay"/>: an infrastructure failure is
    /// retried this way so it does not spend the message's dequeue count. The caller completes the original.
    /// </summary>
    public Task RequeueAsync(IncomingBatchMessage message, TimeSpan delay, CancellationToken cancellationToken) =>
        RecreatingAsync(
            async () => await Batches.SendMessageAsync(new BinaryData(message.Body), visibilityTimeout: delay, timeToLive: NeverExpires, cancellationToken),
            cancellationToken);

    /// <summary>
    /// Runs a storage call; when the queue or the container is gone (a wiped or re-created storage account), creates
    /// them again and retries once, instead of stalling for good on 404s.
    /// </summary>
    public async Task RecreatingAsync(Func<Task> call, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        try
        {
            await call();
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode is "QueueNotFound" or "ContainerNotFound")
        {
            _logger.LogWarning("Storage answered {ErrorCode}: creating the queues and the claim-check container again", ex.ErrorCode);
            _created = false;
            await EnsureCreatedAsync(cancellationToken);
            await call();
        }
    }

    private async Task EnqueueOnceAsync(Batch batch, CancellationToken cancellationToken)
    {
        using var envelope = new PooledBufferStream(64 * 1024);
        using (var writer = new Utf8JsonWriter(envelope))
        {
            BatchEnvelope.Write(writer, batch);
        }

        if (envelope.Length <= _options.ClaimCheckThresholdBytes)
        {
            await SendAsync(Batches, envelope.Written.Span, cancellationToken);
            return;
        }

        using var stored = ClaimCheckCodec.Compress(envelope.Written.Span);
        var claimCheck = new ClaimCheck(_options.ClaimCheckContainer, $"batches/{batch.Source}/{batch.BatchId}.json", stored.Length, ClaimCheckCodec.Gzip, envelope.Length);
        var upload = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json", ContentEncoding = ClaimCheckCodec.Gzip } };
        await ClaimChecks.GetBlobClient(claimCheck.Blob).UploadAsync(new BinaryData(stored.Written), upload, cancellationToken);
        DaedalusInstruments.RecordClaimCheck(envelope.Length, stored.Length);
        await SendAsync(Batches, QueueWireFormat.ClaimCheckMessage(batch, claimCheck), cancellationToken);
    }

    /// <summary>Decodes a delivery and, for a claim check, downloads the envelope. Returns null when the claim-check blob is gone.</summary>
    public async Task<byte[]?> OpenAsync(byte[] payload, MessageHeader header, CancellationToken cancellationToken)
    {
        if (header.ClaimCheck is not { } claimCheck)
        {
            return payload;
        }

        if (claimCheck.Container != _options.ClaimCheckContainer)
        {
            throw new BatchFormatException($"claim check points at container '{claimCheck.Container}', not the configured '{_options.ClaimCheckContainer}'");
        }

        try
        {
            // Streamed and decoded into one buffer of the envelope's size: no intermediate copies of a large blob.
            var download = await ClaimChecks.GetBlobClient(claimCheck.Blob).DownloadStreamingAsync(cancellationToken: cancellationToken);
            await using var content = download.Value.Content;
            var encoding = download.Value.Details.ContentEncoding is { Length: > 0 } stored ? stored : claimCheck.Encoding;
            return await ClaimCheckCodec.ReadAsync(content, encoding, claimCheck.EnvelopeBytes, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Decodes a delivery into its batch: inline, or downloaded, gunzipped and parsed in a pooled buffer. Returns null
    /// when the claim-check blob is gone. Throws <see cref="BatchFormatException"/> for an unreadable envelope.
    /// </summary>
    public async Task<Batch?> ReadBatchAsync(byte[] payload, MessageHeader header, CancellationToken cancellationToken)
    {
        if (header.ClaimCheck is not { } claimCheck)
        {
            return BatchEnvelope.Deserialize(payload);
        }

        if (claimCheck.Container != _options.ClaimCheckContainer)
        {
            throw new BatchFormatException($"claim check points at container '{claimCheck.Container}', not the configured '{_options.ClaimCheckContainer}'");
        }

        try
        {
            var download = await ClaimChecks.GetBlobClient(claimCheck.Blob).DownloadStreamingAsync(cancellationToken: cancellationToken);
            await using var content = download.Value.Content;
            var encoding = download.Value.Details.ContentEncoding is { Length: > 0 } stored ? stored : claimCheck.Encoding;
            using var envelope = await ClaimCheckCodec.ReadPooledAsync(content, encoding, claimCheck.EnvelopeBytes, cancellationToken);
            return BatchEnvelope.Deserialize(envelope.Written);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public async Task DeleteClaimCheckAsync(ClaimCheck claimCheck, CancellationToken cancellationToken) =>
        await ClaimChecks.GetBlobClient(claimCheck.Blob).DeleteIfExistsAsync(cancellationToken: cancellationToken);

    /// <summary>Writes the delivery to the poison queue with its error. The caller completes (deletes) the original.</summary>
    public Task MoveToPoisonAsync(IncomingBatchMessage message, MessageHeader? header, string error, CancellationToken cancellationToken) =>
        RecreatingAsync(() => MoveToPoisonOnceAsync(message, header, error, cancellationToken), cancellationToken);

    private async Task MoveToPoisonOnceAsync(IncomingBatchMessage message, MessageHeader? header, string error, CancellationToken cancellationToken)
    {
        var original = message.Body.ToArray();
        var record = new PoisonRecord(error, _clock.GetUtcNow(), message.DequeueCount, message.MessageId, header?.BatchId, header?.Source, header?.Stream, original, null);
        var payload = QueueWireFormat.PoisonMessage(record);
        if (payload.Length > _options.ClaimCheckThresholdBytes)
        {
            // The original with the error would not fit one message: keep the original in a blob.
            var blob = $"poison/{message.MessageId}.bin";
            await ClaimChecks.GetBlobClient(blob).UploadAsync(new BinaryData(original), overwrite: true, cancellationToken);
            payload = QueueWireFormat.PoisonMessage(record with { Body = null, BodyBlob = blob });
        }

        await SendAsync(Poison, payload, cancellationToken);
        _logger.LogWarning("Message {MessageId} (batch {BatchId}, {Source}/{Stream}) moved to {PoisonQueue} after {DequeueCount} deliveries: {Error}", message.MessageId, header?.BatchId, header?.Source, header?.Stream, _options.PoisonName, message.DequeueCount, error);
        await (_alerts?.BatchPoisonedAsync(message.MessageId, header?.BatchId, header?.Source, header?.Stream, error, CancellationToken.None) ?? Task.CompletedTask);
    }

    public async Task<IReadOnlyList<PoisonMessage>> ListPoisonAsync(int max, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        // Peeking does not hide or count messages; the service returns at most 32 per peek.
        var peeked = await Poison.PeekMessagesAsync(Math.Clamp(max, 1, PeekLimit), cancellationToken);
        return peeked.Value.Select(p => Describe(p.MessageId, p.Body, p.InsertedOn, p.DequeueCount)).ToList();
    }

    public async Task<int> ReplayPoisonAsync(string? messageId, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        // Replay-all replays what was there when it started: a message poisoned again meanwhile waits for the next replay.
        var cutoff = messageId is null ? await PoisonReplayCutoff.TakeAsync(Poison, cancellationToken) : null;
        var replayed = 0;
        var skipped = new List<(string Id, string PopReceipt)>();
        try
        {
            while (true)
            {
                var all = (await Poison.ReceiveMessagesAsync(PeekLimit, TimeSpan.FromMinutes(2), cancellationToken)).Value;
                if (all.Length == 0)
                {
                    return replayed;
                }

                var received = cutoff is null ? all : all.Where(cutoff.Includes).ToArray();
                skipped.AddRange(all.Except(received).Select(m => (m.MessageId, m.PopReceipt)));

                if (messageId is null)
                {
                    foreach (var message in received)
                    {
                        await ReplayOneAsync(message, cancellationToken);
                        replayed++;
                    }

                    continue;
                }

                // Every other message received with the target must become visible again, not only those before it.
                var target = received.FirstOrDefault(m => m.MessageId == messageId);
                skipped.AddRange(received.Where(m => m != target).Select(m => (m.MessageId, m.PopReceipt)));
                if (target is not null)
                {
                    await ReplayOneAsync(target, cancellationToken);
                    return 1;
                }
            }
        }
        finally
        {
            // Entries looked at but not replayed become visible again at once. One looked at twice (its hiding ran out
            // during a long replay) has a stale first receipt: the newer one restores it.
            foreach (var (id, popReceipt) in skipped)
            {
                try
                {
                    await Poison.UpdateMessageAsync(id, popReceipt, messageText: null, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None);
                }
                catch (RequestFailedException ex) when (ex.Status is 400 or 404)
                {
                    _logger.LogDebug("Poison message {MessageId} was not made visible again with an old receipt: {ErrorCode}", id, ex.ErrorCode);
                }
            }
        }
    }

    public async Task<QueueDepth> GetDepthAsync(CancellationToken cancellationToken)
    {
        QueueDepth? depth = null;
        await RecreatingAsync(
            async () =>
            {
                var batches = await Batches.GetPropertiesAsync(cancellationToken);
                var poison = await Poison.GetPropertiesAsync(cancellationToken);
                depth = new QueueDepth(batches.Value.ApproximateMessagesCount, poison.Value.ApproximateMessagesCount);
            },
            cancellationToken);
        return depth!;
    }

    private static Task SendAsync(QueueClient queue, ReadOnlySpan<byte> payload, CancellationToken cancellationToken) =>
        queue.SendMessageAsync(QueueWireFormat.Encode(payload), visibilityTimeout: null, timeToLive: NeverExpires, cancellationToken);

    private async Task ReplayOneAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        byte[] original;
        string? bodyBlob = null;
        var record = TryDecodePoison(message.Body);
        if (record is null)
        {
            // Not wrapped by Daedalus (the Functions host moved it itself): its body is the original message.
            original = message.Body.ToArray();
        }
        else if (record.Body is not null)
        {
            original = record.Body;
        }
        else
        {
            bodyBlob = record.BodyBlob!;
            original = (await ClaimChecks.GetBlobClient(bodyBlob).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        }

        // The original body is already in the queue's encoding: send it back unchanged.
        await Batches.SendMessageAsync(new BinaryData(original), visibilityTimeout: null, timeToLive: NeverExpires, cancellationToken);
        await Poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
        if (bodyBlob is not null)
        {
            await ClaimChecks.GetBlobClient(bodyBlob).DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
        }

        _logger.LogInformation("Replayed poison message {MessageId} (batch {BatchId}) onto {Queue}", message.MessageId, record?.BatchId, _options.Name);
    }

    private static PoisonRecord? TryDecodePoison(BinaryData body)
    {
        try
        {
            return QueueWireFormat.ReadPoison(QueueWireFormat.Decode(body));
        }
        catch (BatchFormatException)
        {
            return null;
        }
    }

    private static PoisonMessage Describe(string id, BinaryData body, DateTimeOffset? insertedAt, long dequeueCount)
    {
        if (TryDecodePoison(body) is { } record)
        {
            return new PoisonMessage(id, record.BatchId, record.Source, record.Stream, record.Error, insertedAt, record.DequeueCount);
        }

        MessageHeader? header = null;
        try
        {
            header = QueueWireFormat.ReadHeader(QueueWireFormat.Decode(body));
        }
        catch (BatchFormatException)
        {
        }

        return new PoisonMessage(id, header?.BatchId, header?.Source, header?.Stream, "moved to poison by the Functions host; no error recorded (see the function's logs)", insertedAt, dequeueCount);
    }
}
