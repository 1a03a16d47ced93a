using Daedalus.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Daedalus.Scheduling;

/// <summary>
/// The self-host's cron loop: every second, claim due slots and start their pulls (each source at most once
/// at a time in this process; the advisory lock covers other processes). Queue depth gauges follow
/// <see cref="HostTriggers.SchedulerSchedule"/>, as the timer function records them.
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
        var running = new Dictionary<string, Task>(StringComparer.Ordinal);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var now = _clock.GetUtcNow();
                try
                {
                    if (now >= nextGauge)
                    {
                        await _scheduler.RecordQueueDepthAsync(stoppingToken);
                        nextGauge = new DateTimeOffset(gaugeSchedule.GetNextOccurrence(now.UtcDateTime), TimeSpan.Zero);
                    }

                    foreach (var done in running.Where(r => r.Value.IsCompleted).Select(r => r.Key).ToList())
                    {
                        running.Remove(done);
                    }

                    foreach (var due in await _scheduler.ClaimDueAsync(now, stoppingToken))
                    {
                        if (running.ContainsKey(due.Source.Name))
                        {
                            _logger.LogInformation("Source {Source} is still pulling; slot {Slot:O} is skipped", due.Source.Name, due.Slot);
                            continue;
                        }

                        running[due.Source.Name] = Task.Run(() => _scheduler.PullAsync(due, stoppingToken), CancellationToken.None);
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
        finally
        {
            // Pulls see the same token: each stops at its next batch boundary, keeping the cursor of its last enqueued batch.
            await Task.WhenAll(running.Values);
        }
    }
}
