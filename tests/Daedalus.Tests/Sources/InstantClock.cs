namespace Daedalus.Tests.Sources;

/// <summary>
/// A clock whose timers fire at once and move its time forward by what they waited: retry waits cost no wall-clock
/// time, and <see cref="Slept"/> is what the code under test asked to sleep in total.
/// </summary>
public sealed class InstantClock : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly List<TimeSpan> _sleeps = [];

    public TimeSpan Slept { get; private set; }

    /// <summary>Every timer's first wait, in order (the sum is <see cref="Slept"/>).</summary>
    public IReadOnlyList<TimeSpan> Sleeps
    {
        get
        {
            lock (_gate)
            {
                return [.. _sleeps];
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
        {
            lock (_gate)
            {
                _now += dueTime;
                Slept += dueTime;
                _sleeps.Add(dueTime);
            }
        }

        return TimeProvider.System.CreateTimer(callback, state, dueTime == Timeout.InfiniteTimeSpan ? dueTime : TimeSpan.Zero, period);
    }
}
