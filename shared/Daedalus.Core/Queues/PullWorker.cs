using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Daedalus.Queues;

/// <summary>The self-host's pull queue listener: the <c>pull</c> function's work (<see cref="PullMessageHandler"/>), <see cref="QueueOptions.PullConcurrency"/> pulls at a time.</summary>
public sealed class PullWorker : QueueListener
{
    private readonly AzurePullQueue _queue;
    private readonly PullMessageHandler _handler;

    public PullWorker(AzurePullQueue queue, PullMessageHandler handler, IOptions<QueueOptions> options, ILogger<PullWorker> logger)
        : base(options, options.Value.PullConcurrency, logger)
    {
        _queue = queue;
        _handler = handler;
    }

    protected override QueueClient Queue => _queue.Pulls;

    protected override Task EnsureCreatedAsync(CancellationToken cancellationToken) => _queue.EnsureCreatedAsync(cancellationToken);

    protected override Task RecreatingAsync(Func<Task> call, CancellationToken cancellationToken) => _queue.RecreatingAsync(call, cancellationToken);

    protected override Task HandleAsync(IncomingBatchMessage message, CancellationToken cancellationToken) => _handler.HandleAsync(message, cancellationToken);
}
