using Daedalus.Batching;
using Daedalus.Ingest;
using Daedalus.Storage;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Daedalus.Queues;

/// <summary>
/// Ingests one delivery of a batch message: the one call both the QueueTrigger and the self-host worker make.
/// Resolves a claim check, reads the envelope, prepares and loads it (the ledger makes a redelivery a no-op),
/// then deletes the claim-check blob. A message that can never load (not base64/JSON, unknown envelope
/// version, missing blob) goes to poison at once with the reason; other failures are thrown so the host
/// retries, until the last allowed delivery, which goes to poison with its error.
/// </summary>
public sealed class BatchMessageHandler
{
    private readonly AzureBatchQueue _queue;
    private readonly SourceCatalog _catalog;
    private readonly BatchPreparer _preparer;
    private readonly BatchLoader _loader;
    private readonly NpgsqlDataSource _dataSource;
    private readonly QueueOptions _options;
    private readonly ILogger<BatchMessageHandler> _logger;

    public BatchMessageHandler(AzureBatchQueue queue, SourceCatalog catalog, BatchPreparer preparer, BatchLoader loader, NpgsqlDataSource dataSource, IOptions<QueueOptions> options, ILogger<BatchMessageHandler> logger)
    {
        _queue = queue;
        _catalog = catalog;
        _preparer = preparer;
        _loader = loader;
        _dataSource = dataSource;
        _options = options.Value;
        _logger = logger;
    }

    public async Task<BatchMessageOutcome> HandleAsync(IncomingBatchMessage message, CancellationToken cancellationToken)
    {
        MessageHeader? header = null;
        try
        {
            if (message.DequeueCount > _options.MaxDequeueCount)
            {
                // Delivered more often than allowed without completing: earlier workers died or timed out on it.
                throw new BatchFormatException($"dequeued {message.DequeueCount} times without completing (limit {_options.MaxDequeueCount}); a worker crashed or timed out on it each time");
            }

            var payload = QueueWireFormat.Decode(message.Body);
            header = QueueWireFormat.ReadHeader(payload);
            var envelope = await _queue.OpenAsync(payload, header, cancellationToken);
            if (envelope is null)
            {
                if (header.BatchId is not null && await IsLoadedAsync(header.BatchId, cancellationToken))
                {
                    // Loaded and cleaned up by an earlier delivery that died before completing the message.
                    return BatchMessageOutcome.Loaded;
                }

                throw new BatchFormatException($"claim-check blob '{header.ClaimCheck!.Blob}' in container '{header.ClaimCheck.Container}' does not exist");
            }

            var batch = BatchEnvelope.Deserialize(envelope);
            var source = await _catalog.GetAsync(batch.Source, cancellationToken)
                ?? throw new InvalidOperationException($"source '{batch.Source}' is not configured (apply the config, then replay)");
            var prepared = await _preparer.PrepareAsync(batch, source, advanceCursor: false, cancellationToken);
            var result = await _loader.LoadAsync(prepared, cancellationToken);
            if (header.ClaimCheck is { } claimCheck)
            {
                await _queue.DeleteClaimCheckAsync(claimCheck, cancellationToken);
            }

            _logger.LogDebug("Batch {BatchId} ({Source}/{Stream}) loaded {Loaded} rows; already loaded: {AlreadyLoaded}", batch.BatchId, batch.Source, batch.Stream, result.Loaded, result.AlreadyLoaded);
            return BatchMessageOutcome.Loaded;
        }
        catch (BatchFormatException ex)
        {
            await _queue.MoveToPoisonAsync(message, header, ex.Message, cancellationToken);
            return BatchMessageOutcome.Poisoned;
        }
        catch (Exception ex) when (ex is not OperationCanceledException && message.DequeueCount >= _options.MaxDequeueCount)
        {
            await _queue.MoveToPoisonAsync(message, header, $"{ex.GetType().Name}: {ex.Message}", cancellationToken);
            return BatchMessageOutcome.Poisoned;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning(ex, "Message {MessageId} (batch {BatchId}) failed on delivery {DequeueCount} of {MaxDequeueCount}; it will be retried", message.MessageId, header?.BatchId, message.DequeueCount, _options.MaxDequeueCount);
            throw;
        }
    }

    private async Task<bool> IsLoadedAsync(string batchId, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM daedalus.batches WHERE batch_id = @batchId)", new { batchId }, cancellationToken: cancellationToken));
    }
}
