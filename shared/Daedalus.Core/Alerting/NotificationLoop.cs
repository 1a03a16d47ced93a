using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Daedalus.Alerting;

/// <summary>
/// The self-host's notification loop: every <see cref="NotificationOptions.DispatchIntervalSeconds"/>, one
/// <see cref="NotificationDispatcher.TickAsync"/> (the Functions app runs the same tick on a timer). Runs beside
/// the pipeline, never in it: a slow or dead receiver delays only this loop.
/// </summary>
public sealed class NotificationLoop : BackgroundService
{
    private readonly NotificationDispatcher _dispatcher;
    private readonly TimeProvider _clock;
    private readonly NotificationOptions _options;

    public NotificationLoop(NotificationDispatcher dispatcher, TimeProvider clock, IOptions<NotificationOptions> options)
    {
        _dispatcher = dispatcher;
        _clock = clock;
        _options = options.Value;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Ticks do not wait for each other: a receiver that hangs until the timeout must not hold up the other
        // channels' deliveries and retries. Overlapping ticks are safe: rows are claimed with a lease (SKIP LOCKED).
        var inFlight = new List<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                inFlight.RemoveAll(t => t.IsCompleted);
                inFlight.Add(_dispatcher.TickAsync(stoppingToken));
                await Task.Delay(TimeSpan.FromSeconds(_options.DispatchIntervalSeconds), _clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        try
        {
            await Task.WhenAll(inFlight);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
