namespace Daedalus.Batching;

/// <summary>A queue message that can never be ingested as it is (not JSON, unknown version, malformed).</summary>
public sealed class BatchFormatException : Exception
{
    public BatchFormatException(string message)
        : base(message)
    {
    }

    public BatchFormatException()
    {
    }

    public BatchFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
