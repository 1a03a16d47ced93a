using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Daedalus.Batching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Daedalus.Queues;

/// <summary>
/// The pull queue (<see cref="QueueOptions.PullName"/>, <c>daedalus-pulls</c>) and its poison queue on Azure Storage
/// (Azurite locally). Pull requests are small, so they always travel inline; a poisoned one keeps its original body
/// beside the error, and a replay sends that body back unchanged.
/// </summary>
public sealed class AzurePullQueue
{
    private const int PeekLimit = 32;

    /// <summary>Never expire (see <see cref="AzureBatchQueue"/>): an unreplayed poison pull must not vanish after 7 days.</summary>
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);
    private readonly QueueOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<AzurePullQueue> _logger;
    private readonly SemaphoreSlim _createGate = new(1, 1);
    private bool _created;

    public AzurePullQueue(StorageClients clients, IOptions<QueueOptions> options, TimeProvider clock, ILogger<AzurePullQueue> logger)
    {
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        Pulls = clients.Queues.GetQueueClient(_options.PullName);
        Poison = clients.Queues.GetQueueClient(_options.PullPoisonName);
    }

    public QueueClient Pulls { get; }

    public QueueClient Poison { get; }

    /// <summary>Creates both queues once per process (idempotent).</summary>
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
                await Pulls.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                await Poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                _created = true;
            }
        }
        finally
        {
            _createGate.Release();
        }
    }

    /// <summary>Sends a pull request, visible after <paramref name="delay"/> (none by default). Durable when it returns.</summary>
    public Task EnqueueAsync(PullRequest request, CancellationToken cancellationToken, TimeSpan? delay = null) =>
        RecreatingAsync(() => Pulls.SendMessageAsync(QueueWireFormat.Encode(request.Serialize()), visibilityTimeout: delay, timeToLive: NeverExpires, cancellationToken), cancellationToken);

    /// <summary>Sends a delivery again as a new message after <paramref name="delay"/> (an infrastructure retry that keeps the dequeue count).</summary>
    public Task RequeueAsync(IncomingBatchMessage message, TimeSpan delay, CancellationToken cancellationToken) =>
        RecreatingAsync(() => Pulls.SendMessageAsync(new BinaryData(message.Body), visibilityTimeout: delay, timeToLive: NeverExpires, cancellationToken), cancellationToken);

    /// <summary>Writes the delivery to the pull poison queue with its error. The caller completes (deletes) the original.</summary>
    public Task MoveToPoisonAsync(IncomingBatchMessage message, PullRequest? request, string error, CancellationToken cancellationToken) =>
        RecreatingAsync(
            async () =>
            {
                var record = new PoisonRecord(error, _clock.GetUtcNow(), message.DequeueCount, message.MessageId, null, request?.Source, null, message.Body.ToArray(), null);
                await Poison.SendMessageAsync(QueueWireFormat.Encode(QueueWireFormat.PoisonMessage(record)), visibilityTimeout: null, timeToLive: NeverExpires, cancellationToken);
                _logger.LogWarning("Pull request {MessageId} (run {RunId}, source {Source}) moved to {PoisonQueue} after {DequeueCount} deliveries: {Error}", message.MessageId, request?.RunId, request?.Source, _options.PullPoisonName, message.DequeueCount, error);
            },
            cancellationToken);

    public async Task<IReadOnlyList<PoisonPullMessage>> ListPoisonAsync(int max, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        // Peeking does not hide or count messages; the service returns at most 32 per peek.
        var peeked = await Poison.PeekMessagesAsync(Math.Clamp(max, 1, PeekLimit), cancellationToken);
        return peeked.Value.Select(p => Describe(p.MessageId, p.Body, p.InsertedOn, p.DequeueCount)).ToList();
    }

    /// <summary>Moves poisoned pull requests back to the pull queue (one by id, or all when null); returns how many.</summary>
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

                var targets = messageId is null ? received : received.Where(m => m.MessageId == messageId).ToArray();
                skipped.AddRange(received.Except(targets).Select(m => (m.MessageId, m.PopReceipt)));
                foreach (var message in targets)
                {
                    await ReplayOneAsync(message, cancellationToken);
                    replayed++;
                }

                if (messageId is not null && replayed > 0)
                {
                    return replayed;
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

    /// <summary>Approximate counts of the pull queue (invisible and delayed messages included) and its poison queue.</summary>
    public async Task<QueueDepth> GetDepthAsync(CancellationToken cancellationToken)
    {
        QueueDepth? depth = null;
        await RecreatingAsync(
            async () =>
            {
                var pulls = await Pulls.GetPropertiesAsync(cancellationToken);
                var poison = await Poison.GetPropertiesAsync(cancellationToken);
                depth = new QueueDepth(pulls.Value.ApproximateMessagesCount, poison.Value.ApproximateMessagesCount);
            },
            cancellationToken);
        return depth!;
    }

    /// <summary>Runs a storage call; when a queue is gone (a wiped storage account), creates them again and retries once.</summary>
    public async Task RecreatingAsync(Func<Task> call, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        try
        {
            await call();
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode == "QueueNotFound")
        {
            _logger.LogWarning("Storage answered {ErrorCode}: creating the pull queues again", ex.ErrorCode);
            _created = false;
            await EnsureCreatedAsync(cancellationToken);
            await call();
        }
    }

    private async Task ReplayOneAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        var record = TryDecodePoison(message.Body);
        // Not wrapped by Daedalus (the Functions host moved it itself): its body is the original message.
        var original = record?.Body ?? message.Body.ToArray();
        await Pulls.SendMessageAsync(new BinaryData(original), visibilityTimeout: null, timeToLive: NeverExpires, cancellationToken);
        await Poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
        _logger.LogInformation("Replayed poison pull request {MessageId} (source {Source}) onto {Queue}", message.MessageId, record?.Source, _options.PullName);
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

    private static PullRequest? TryReadRequest(byte[] encoded)
    {
        try
        {
            return PullRequest.Deserialize(QueueWireFormat.Decode(new BinaryData(encoded)));
        }
        catch (BatchFormatException)
        {
            return null;
        }
    }

    private static PoisonPullMessage Describe(string id, BinaryData body, DateTimeOffset? insertedAt, long dequeueCount)
    {
        if (TryDecodePoison(body) is { } record)
        {
            var request = record.Body is null ? null : TryReadRequest(record.Body);
            return new PoisonPullMessage(id, request?.RunId, request?.Source ?? record.Source, record.Error, insertedAt, record.DequeueCount);
        }

        var moved = TryReadRequest(body.ToArray());
        return new PoisonPullMessage(id, moved?.RunId, moved?.Source, "moved to poison by the Functions host; no error recorded (see the function's logs)", insertedAt, dequeueCount);
    }
}
