using Daedalus.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Daedalus.Scheduling;

/// <summary>
/// The self-host's cron loop: every second, claim due slots and enqueue their pull requests (the pull worker runs
/// them). Run supervision and the queue depth gauges follow <see cref="HostTriggers.SchedulerSchedule"/>, as the
/// timer function does them.
/// </summary>
public sealed class ScheduleLoop : BackgroundService
{
    private readonly Scheduler _scheduler;
    private readonly TimeProvider _clock;
    private readonly ILogger<ScheduleLoop> _logger;

    public ScheduleLoop(Scheduler scheduler, TimeProvider clock, ILogger<ScheduleLoop> logger)
    {
        _scheduler = scheduler;
        _clock = clock;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var gaugeSchedule = NCrontab.CrontabSchedule.Parse(HostTriggers.SchedulerSchedule, new NCrontab.CrontabSchedule.ParseOptions { IncludingSeconds = true });
        var nextGauge = _clock.GetUtcNow();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var now = _clock.GetUtcNow();
                try
                {
                    if (now >= nextGauge)
                    {
                        await _scheduler.SuperviseAsync(stoppingToken);
                        await _scheduler.RecordQueueDepthAsync(stoppingToken);
                        await _scheduler.MaintainAsync(stoppingToken);
                        nextGauge = new DateTimeOffset(gaugeSchedule.GetNextOccurrence(now.UtcDateTime), TimeSpan.Zero);
                    }

                    foreach (var due in await _scheduler.ClaimDueAsync(now, stoppingToken))
                    {
                        await _scheduler.RequestPullAsync(due, stoppingToken);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    _logger.LogError(ex, "Scheduler tick failed; trying again next second");
                }

                // Wake just after the next whole second, when second-granular schedules fall due.
                var wait = TimeSpan.FromTicks(TimeSpan.TicksPerSecond - (_clock.GetUtcNow().UtcTicks % TimeSpan.TicksPerSecond)) + TimeSpan.FromMilliseconds(5);
                await Task.Delay(wait, _clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
