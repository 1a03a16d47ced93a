namespace Daedalus.Sources;

/// <summary>
/// The source's rate limit or budget is exhausted beyond the bounded wait. The pull stops early,
/// keeps the cursor of the last stored page and resumes on the next tick; this is not a failure.
/// </summary>
public sealed class SourceRateLimitedException : SourceException
{
    public SourceRateLimitedException(string message, TimeSpan? retryAfter)
        : base(message)
    {
        RetryAfter = retryAfter;
    }

    public SourceRateLimitedException()
    {
    }

    public SourceRateLimitedException(string message)
        : base(message)
    {
    }

    public SourceRateLimitedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TimeSpan? RetryAfter { get; }
}
