namespace Daedalus.Sources;

/// <summary>A source failed in a way retrying the same request will not fix (auth, bad config, bad data).</summary>
public class SourceException : Exception
{
    public SourceException(string message)
        : base(message)
    {
    }

    public SourceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SourceException()
    {
    }
}
