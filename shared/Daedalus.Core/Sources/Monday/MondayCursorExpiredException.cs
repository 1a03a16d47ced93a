namespace Daedalus.Sources.Monday;

/// <summary>monday rejected a stored page cursor; the reader restarts the pass from its watermark.</summary>
public sealed class MondayCursorExpiredException : SourceException
{
    public MondayCursorExpiredException(string message)
        : base(message)
    {
    }

    public MondayCursorExpiredException()
    {
    }

    public MondayCursorExpiredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
