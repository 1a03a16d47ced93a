using System.Collections.Concurrent;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Daedalus.Queues;

/// <summary>
/// The self-host's queue listener (one per queue: <see cref="QueueWorker"/> for batches, <see cref="PullWorker"/> for
/// pull requests), with the QueueTrigger's semantics: a received message stays invisible while it
/// is worked on (renewed at half the visibility timeout), the service counts its deliveries, a failure makes it
/// visible again after <see cref="QueueOptions.RetryDelay"/>, and the handler moves it to poison after
/// <see cref="QueueOptions.MaxDequeueCount"/>. On shutdown it stops receiving, lets in-flight messages
/// finish until the host's shutdown timeout, then cancels them (their load transaction rolls back) and makes
/// their messages visible at once for another instance.
/// </summary>
public abstract class QueueListener : BackgroundService
{
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);
    private readonly QueueOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Task> _inFlight = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _abort = new();
    private readonly SemaphoreSlim _slots;

    /// <param name="concurrency">Messages worked on at the same time.</param>
    protected QueueListener(IOptions<QueueOptions> options, int concurrency, ILogger logger)
    {
        _options = options.Value;
        _logger = logger;
        _slots = new SemaphoreSlim(concurrency, concurrency);
    }

    /// <summary>The queue listened to.</summary>
    protected abstract QueueClient Queue { get; }

    /// <summary>Creates the queue (and what goes with it) once per process.</summary>
    protected abstract Task EnsureCreatedAsync(CancellationToken cancellationToken);

    /// <summary>A storage call that re-creates the queue when storage lost it.</summary>
    protected abstract Task RecreatingAsync(Func<Task> call, CancellationToken cancellationToken);

    /// <summary>Works on one delivery; completes it by returning, or throws to have it delivered again.</summary>
    protected abstract Task HandleAsync(IncomingBatchMessage message, CancellationToken cancellationToken);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stop receiving first, then give in-flight batches until the host's shutdown timeout.
        await base.StopAsync(cancellationToken);
        try
        {
            await Task.WhenAll(_inFlight.Values).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("Shutdown timeout: releasing {Count} in-flight messages", _inFlight.Count);
            await _abort.CancelAsync();
            await Task.WhenAll(_inFlight.Values);
        }
    }

    public override void Dispose()
    {
        _abort.Dispose();
        _slots.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var slots = _slots;
        var idle = MinPollingInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await EnsureCreatedAsync(stoppingToken);
                await slots.WaitAsync(stoppingToken);
                var wanted = Math.Min(_options.BatchSize, slots.CurrentCount + 1);
                QueueMessage[] messages;
                try
                {
                    QueueMessage[] received = [];
                    await RecreatingAsync(async () => received = (await Queue.ReceiveMessagesAsync(wanted, _options.VisibilityTimeout, stoppingToken)).Value, stoppingToken);
                    messages = received;
                }
                finally
                {
                    slots.Release();
                }

                if (messages.Length == 0)
                {
                    await Task.Delay(idle, stoppingToken);
                    // Back off gently: a producer between two batches should not find the worker asleep for seconds.
                    idle = TimeSpan.FromTicks(Math.Min(idle.Ticks + MinPollingInterval.Ticks, _options.MaxPollingInterval.Ticks));
                    continue;
                }

                idle = MinPollingInterval;
                foreach (var message in messages)
                {
                    // Already invisible to others; wait for a slot without giving the message up.
                    await slots.WaitAsync(CancellationToken.None);
                    var task = ProcessAsync(message, slots);
                    _inFlight[message.MessageId] = task;
                    _ = task.ContinueWith(_ => _inFlight.TryRemove(message.MessageId, out Task? _), TaskScheduler.Default);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Storage unreachable: keep trying, slowly, rather than stopping the worker.
                _logger.LogError(ex, "Receiving from {Queue} failed; retrying", Queue.Name);
                await Task.Delay(_options.MaxPollingInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task ProcessAsync(QueueMessage message, SemaphoreSlim slots)
    {
        var popReceipt = message.PopReceipt;
        using var renewal = new CancellationTokenSource();
        var renewing = RenewAsync();
        try
        {
            await HandleAsync(new IncomingBatchMessage(message.MessageId, message.Body, message.DequeueCount, message.InsertedOn), _abort.Token);
            await StopRenewalAsync();
            await Queue.DeleteMessageAsync(message.MessageId, popReceipt, CancellationToken.None);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            await StopRenewalAsync();
            await SetVisibilityAsync(TimeSpan.Zero, "released at shutdown");
        }
        catch (Exception ex)
        {
            await StopRenewalAsync();
            await SetVisibilityAsync(_options.RetryDelay, ex.Message);
        }
        finally
        {
            slots.Release();
        }

        async Task RenewAsync()
        {
            var interval = _options.VisibilityTimeout / 2;
            try
            {
                while (true)
                {
                    await Task.Delay(interval, renewal.Token);
                    var receipt = await Queue.UpdateMessageAsync(message.MessageId, popReceipt, messageText: null, visibilityTimeout: _options.VisibilityTimeout, cancellationToken: renewal.Token);
                    popReceipt = receipt.Value.PopReceipt;
                }
            }
            catch (OperationCanceledException) when (renewal.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Could not extend the visibility of message {MessageId}; another worker may receive it (the ledger makes that harmless)", message.MessageId);
            }
        }

        async Task StopRenewalAsync()
        {
            await renewal.CancelAsync();
            await renewing;
        }

        async Task SetVisibilityAsync(TimeSpan after, string reason)
        {
            try
            {
                await Queue.UpdateMessageAsync(message.MessageId, popReceipt, messageText: null, visibilityTimeout: after, cancellationToken: CancellationToken.None);
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Could not return message {MessageId} to the queue ({Reason}); it reappears when its visibility timeout ends", message.MessageId, reason);
            }
        }
    }
}
