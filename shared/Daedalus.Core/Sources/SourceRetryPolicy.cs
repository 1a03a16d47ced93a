namespace Daedalus.Sources;

/// <summary>
/// The one place that decides whether a source request is tried again and how long to wait first, for transport
/// failures (in <see cref="SourceHttpExchange"/>) and for answers a plugin judges transient (429, a locked board, a
/// 5xx, monday's complexity budget). The HTTP client itself does not retry, so nothing multiplies.
/// <para>
/// Bounds: at most <see cref="MaxAttempts"/> consecutive failed attempts per request (a success resets the count), and
/// the sum of every wait granted in the pull, Retry-After sleeps included, never exceeds <see cref="MaxWait"/>
/// (a plugin's <c>maxWaitSeconds</c>): the waits are counted in the pull's <see cref="PullRetryWaits"/>
/// (<see cref="SourceContext.RetryWaits"/>), shared by every API client, stream and page of that pull (one part of a
/// queued pull: a part continued later starts a fresh count, its own time limit bounding it).
/// A wait the source asks for (Retry-After) is taken as asked, never shortened; without one the wait is exponential
/// (1, 2, 4... s, at most 30 s). When a wait would cross a bound the policy refuses and the caller gives up: a
/// rate limit ends the pull early as partial (<see cref="Exhausted"/>), anything else fails the stream.
/// </para>
/// </summary>
public sealed class SourceRetryPolicy
{
    public const int DefaultMaxAttempts = 5;

    public static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _clock;
    private readonly PullRetryWaits _pull;
    private int _failures;

    /// <param name="maxWait">Total wait the pull may spend on retries (zero: never wait, fail at once).</param>
    /// <param name="clock">The clock the waits run on (tests shift it).</param>
    /// <param name="pull">The pull's shared wait count (<see cref="SourceContext.RetryWaits"/>); null: a count of this policy's own.</param>
    /// <param name="maxAttempts">Consecutive attempts of one request, the first included.</param>
    public SourceRetryPolicy(TimeSpan maxWait, TimeProvider clock, PullRetryWaits? pull = null, int maxAttempts = DefaultMaxAttempts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWait, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        MaxWait = maxWait;
        MaxAttempts = maxAttempts;
        _clock = clock;
        _pull = pull ?? new PullRetryWaits();
    }

    public TimeSpan MaxWait { get; }

    public int MaxAttempts { get; }

    /// <summary>Every wait granted so far in the pull (by this policy and every other sharing its count), in order.</summary>
    public IReadOnlyList<TimeSpan> Waits => _pull.Waits;

    /// <summary>The sum of <see cref="Waits"/>; never above <see cref="MaxWait"/>.</summary>
    public TimeSpan Waited => _pull.Waited;

    /// <summary>Failed attempts of the current request so far.</summary>
    public int Failures => _failures;

    /// <summary>The wait before the next attempt after one more failure, or null when the policy gives up. Pure: records nothing.</summary>
    public TimeSpan? NextWait(int failures, TimeSpan? retryAfter)
    {
        if (failures >= MaxAttempts)
        {
            return null;
        }

        var wait = retryAfter is { } asked && asked > TimeSpan.Zero
            ? asked
            : TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, FirstBackoff.Ticks << Math.Min(failures - 1, 20)));
        return Waited + wait > MaxWait ? null : wait;
    }

    /// <summary>
    /// Records a failed attempt and, when the bounds allow another, waits (on the clock) and returns true; otherwise
    /// returns false at once and the caller gives up.
    /// </summary>
    public async Task<bool> TryWaitAsync(TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        _failures++;
        if (NextWait(_failures, retryAfter) is not { } wait || !_pull.TryTake(wait, MaxWait))
        {
            return false;
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _clock, cancellationToken);
        }

        return true;
    }

    /// <summary>A request succeeded (or failed for good): the next one starts with a fresh attempt count.</summary>
    public void Succeeded() => _failures = 0;

    /// <summary>The rate-limit exception for when the policy gave up on a rate limit: the pull ends early, as partial.</summary>
    public SourceRateLimitedException Exhausted(string what, TimeSpan? retryAfter) => new(
        $"{what}; gave up after {_failures} attempt(s) and {Waited.TotalSeconds:0}s of waiting (bounded wait {MaxWait.TotalSeconds:0}s{(retryAfter is { } asked ? $", the source asked for {asked.TotalSeconds:0}s more" : "")})",
        retryAfter);
}
