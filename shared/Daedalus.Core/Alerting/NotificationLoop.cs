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
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _dispatcher.TickAsync(stoppingToken);
                await Task.Delay(TimeSpan.FromSeconds(_options.DispatchIntervalSeconds), _clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
