namespace Daedalus.Sources;

/// <summary>
/// The retry waits of one pull, shared by every API client and every request of that pull (all its streams, pages and
/// child requests), so that their sum, not each client's, is what <c>maxWaitSeconds</c> bounds. Thread-safe.
/// </summary>
public sealed class PullRetryWaits
{
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _waits = [];
    private TimeSpan _waited;

    /// <summary>Every wait granted so far in this pull, in order.</summary>
    public IReadOnlyList<TimeSpan> Waits
    {
        get
        {
            lock (_gate)
            {
                return [.. _waits];
            }
        }
    }

    /// <summary>The sum of <see cref="Waits"/>.</summary>
    public TimeSpan Waited
    {
        get
        {
            lock (_gate)
            {
                return _waited;
            }
        }
    }

    /// <summary>Records <paramref name="wait"/> and returns true when the pull's total stays within <paramref name="maxWait"/>; otherwise records nothing.</summary>
    public bool TryTake(TimeSpan wait, TimeSpan maxWait)
    {
        lock (_gate)
        {
            if (_waited + wait > maxWait)
            {
                return false;
            }

            _waits.Add(wait);
            _waited += wait;
            return true;
        }
    }
}
