using NCrontab;

namespace Daedalus.Scheduling;

/// <summary>Which schedule slot, if any, is due: the latest occurrence after the last claimed slot, up to now.</summary>
public static class ScheduleSlots
{
    /// <summary>Missed slots coalesce into one pull; looking back further than this is pointless.</summary>
    public static readonly TimeSpan MaxLookBack = TimeSpan.FromDays(1);

    /// <summary>The due slot, or null. A source never claimed is due at once (its first slot is now, to the second).</summary>
    public static DateTimeOffset? Due(CrontabSchedule schedule, DateTimeOffset? lastSlot, DateTimeOffset now)
    {
        var nowUtc = now.UtcDateTime;
        if (lastSlot is null)
        {
            return new DateTimeOffset(nowUtc.Ticks - (nowUtc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        }

        var from = lastSlot.Value.UtcDateTime;
        if (nowUtc - from > MaxLookBack)
        {
            from = nowUtc - MaxLookBack;
        }

        DateTime? latest = null;
        // GetNextOccurrences excludes the end, so look one tick past now to include a slot at exactly now.
        foreach (var occurrence in schedule.GetNextOccurrences(from, nowUtc.AddTicks(1)))
        {
            latest = occurrence;
        }

        return latest is { } slot ? new DateTimeOffset(DateTime.SpecifyKind(slot, DateTimeKind.Utc)) : null;
    }
}
