using Azure.Storage.Queues.Models;
using Daedalus.Queues;
using Microsoft.Azure.Functions.Worker;

namespace Daedalus.Functions;

/// <summary>One batch message: validate, transform, protect and load it (or poison it with its error).</summary>
public sealed class IngestFunction(BatchMessageHandler handler)
{
    [Function("ingest")]
    public Task Run([QueueTrigger("daedalus-batches", Connection = "AzureWebJobsStorage")] QueueMessage message, CancellationToken cancellationToken) =>
        handler.HandleAsync(new IncomingBatchMessage(message.MessageId, message.Body, message.DequeueCount, message.InsertedOn), cancellationToken);
}
