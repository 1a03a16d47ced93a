using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Daedalus.Queues;

/// <summary>The self-host's batch queue listener: the <c>ingest</c> function's work (<see cref="BatchMessageHandler"/>), <see cref="QueueOptions.Concurrency"/> batches at a time.</summary>
public sealed class QueueWorker : QueueListener
{
    private readonly AzureBatchQueue _queue;
    private readonly BatchMessageHandler _handler;

    public QueueWorker(AzureBatchQueue queue, BatchMessageHandler handler, IOptions<QueueOptions> options, ILogger<QueueWorker> logger)
        : base(options, options.Value.Concurrency, logger)
    {
        _queue = queue;
        _handler = handler;
    }

    protected override QueueClient Queue => _queue.Batches;

    protected override Task EnsureCreatedAsync(CancellationToken cancellationToken) => _queue.EnsureCreatedAsync(cancellationToken);

    protected override Task RecreatingAsync(Func<Task> call, CancellationToken cancellationToken) => _queue.RecreatingAsync(call, cancellationToken);

    protected override Task HandleAsync(IncomingBatchMessage message, CancellationToken cancellationToken) => _handler.HandleAsync(message, cancellationToken);
}
