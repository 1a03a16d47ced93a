using Azure.Storage.Queues.Models;
using Daedalus.Queues;
using Microsoft.Azure.Functions.Worker;

namespace Daedalus.Functions;

/// <summary>One pull request: pull its source onto the batch queue for at most the pull time limit, then enqueue the continuation if there is more.</summary>
public sealed class PullFunction(PullMessageHandler handler)
{
    [Function("pull")]
    public Task Run([QueueTrigger("daedalus-pulls", Connection = "AzureWebJobsStorage")] QueueMessage message, CancellationToken cancellationToken) =>
        handler.HandleAsync(new IncomingBatchMessage(message.MessageId, message.Body, message.DequeueCount, message.InsertedOn), cancellationToken);
}
