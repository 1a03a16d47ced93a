using Daedalus.Batching;
using Daedalus.Ingest;
using Daedalus.Retention;
using Daedalus.Storage;
using Daedalus.Telemetry;
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
    private readonly EnqueuedBatchStore _enqueued;
    private readonly QueueOptions _options;
    private readonly ILogger<BatchMessageHandler> _logger;

    // Infrastructure retries of a batch in this process, for the backoff (a re-sent message starts a new dequeue count).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _infrastructureRetries = new(StringComparer.Ordinal);

    private readonly TimeSpan _ledgerHorizon;
    private readonly TimeProvider _clock;

    public BatchMessageHandler(AzureBatchQueue queue, SourceCatalog catalog, BatchPreparer preparer, BatchLoader loader, NpgsqlDataSource dataSource, EnqueuedBatchStore enqueued, IOptions<QueueOptions> options, ILogger<BatchMessageHandler> logger, IOptions<RetentionOptions>? retention = null, TimeProvider? clock = null)
    {
        // Less a day for clock skew between the instance that created the batch and this one.
        _ledgerHorizon = (retention?.Value ?? new RetentionOptions()).Ledger - TimeSpan.FromDays(1);
        _clock = clock ?? TimeProvider.System;
        _queue = queue;
        _catalog = catalog;
        _preparer = preparer;
        _loader = loader;
        _dataSource = dataSource;
        _enqueued = enqueued;
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
            if (batch.CreatedAt < _clock.GetUtcNow() - _ledgerHorizon)
            {
                // Its ledger row may be pruned already: loading it could load it twice. Kept in poison, with the way out.
                throw new BatchFormatException($"batch created {batch.CreatedAt:O} is older than the ledger retention (Daedalus:Retention:Ledger, less a day); it may already be loaded and its ledger row pruned, so it is not loaded automatically (raise the retention to replay it, knowing rows already pruned from the ledger cannot be recognised)");
            }

            using var span = DaedalusTracing.StartConsumer(DaedalusTracing.BatchIngestSpan, batch.TraceParent);
            span?.SetTag("daedalus.run_id", batch.RunId.ToString());
            span?.SetTag("daedalus.batch_id", batch.BatchId);
            span?.SetTag("daedalus.source", batch.Source);
            span?.SetTag("daedalus.stream", batch.Stream);
            var source = await _catalog.GetAsync(batch.Source, cancellationToken)
                ?? throw new InvalidOperationException($"source '{batch.Source}' is not configured (apply the config, then replay)");
            var prepared = await _preparer.PrepareAsync(batch, source, advanceCursor: false, cancellationToken);
            var result = await _loader.LoadAsync(prepared, cancellationToken);
            if (header.ClaimCheck is { } claimCheck)
            {
                await _queue.DeleteClaimCheckAsync(claimCheck, cancellationToken);
            }

            _infrastructureRetries.TryRemove(batch.BatchId, out _);
            if (result.AlreadyLoaded)
            {
                PipelineLog.BatchAlreadyLoaded(_logger, batch.RunId, batch.BatchId, batch.Source, batch.Stream, batch.Sequence);
            }
            else
            {
                PipelineLog.BatchLoaded(_logger, batch.RunId, batch.BatchId, batch.Source, batch.Stream, batch.Sequence, result.Loaded, result.Rows, result.Quarantined, result.Deleted, result.Stale, (long)result.Duration.TotalMilliseconds);
            }

            return BatchMessageOutcome.Loaded;
        }
        catch (BatchFormatException ex)
        {
            await PoisonAsync(message, header, ex.Message, cancellationToken);
            return BatchMessageOutcome.Poisoned;
        }
        catch (Exception ex) when (ex is not OperationCanceledException && IsInfrastructure(ex))
        {
            // PostgreSQL or storage is down: not the batch's fault, so it must not spend the batch's delivery budget.
            var key = header?.BatchId ?? message.MessageId;
            var attempt = _infrastructureRetries.AddOrUpdate(key, 1, (_, n) => n + 1);
            var delay = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(2).Ticks << Math.Min(attempt - 1, 20), _options.MaxInfrastructureRetryDelay.Ticks));
            _logger.LogWarning("Batch {BatchId} ({Source}/{Stream}) hit an infrastructure failure ({Error}); sent again to retry in {Delay} (attempt {Attempt}, not counted toward {MaxDequeueCount})", header?.BatchId, header?.Source, header?.Stream, Describe(ex), delay, attempt, _options.MaxDequeueCount);
            await _queue.RequeueAsync(message, delay, cancellationToken);
            return BatchMessageOutcome.Deferred;
        }
        catch (Exception ex) when (ex is not OperationCanceledException && message.DequeueCount >= _options.MaxDequeueCount)
        {
            await PoisonAsync(message, header, Describe(ex), cancellationToken);
            return BatchMessageOutcome.Poisoned;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning("Message {MessageId} (batch {BatchId}) failed on delivery {DequeueCount} of {MaxDequeueCount}; it will be retried: {Error}", message.MessageId, header?.BatchId, message.DequeueCount, _options.MaxDequeueCount, Describe(ex));
            throw;
        }
    }

    /// <summary>PostgreSQL or storage failed, not the batch (connection refused or broken, server shutting down, 5xx from storage).</summary>
    public static bool IsInfrastructure(Exception ex) => ex switch
    {
        Azure.RequestFailedException storage => storage.Status is 0 or 408 or 429 or >= 500,
        HttpRequestException => true,
        _ => PostgresFailure.IsInfrastructure(ex),
    };

    /// <summary>Type and message only: never a stack of inner exceptions that may quote data.</summary>
    private static string Describe(Exception ex) => $"{ex.GetType().Name}: {ex.Message}";

    private async Task PoisonAsync(IncomingBatchMessage message, MessageHeader? header, string error, CancellationToken cancellationToken)
    {
        await _queue.MoveToPoisonAsync(message, header, error, cancellationToken);
        PipelineLog.BatchPoisoned(_logger, header?.BatchId, header?.Source, header?.Stream, error);
        if (header?.BatchId is { } batchId)
        {
            _infrastructureRetries.TryRemove(batchId, out _);
            try
            {
                await _enqueued.MarkPoisonedAsync(batchId, error, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The poison entry exists; the run is settled by the next sweep once the database answers.
                _logger.LogWarning("Could not record batch {BatchId} as poisoned: {Error}", batchId, Describe(ex));
            }
        }
    }

    private async Task<bool> IsLoadedAsync(string batchId, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM daedalus.batches WHERE batch_id = @batchId)", new { batchId }, cancellationToken: cancellationToken));
    }
}
