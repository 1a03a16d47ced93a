namespace Daedalus.Sources.Rest;

/// <summary>The API refused a request with a status retrying will not fix (a 4xx); the message names the path and status, never a credential.</summary>
public sealed class RestHttpException : SourceException
{
    public RestHttpException(int status, string message)
        : base(message)
    {
        Status = status;
    }

    public RestHttpException()
    {
    }

    public RestHttpException(string message)
        : base(message)
    {
    }

    public RestHttpException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int Status { get; }
}
