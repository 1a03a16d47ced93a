using System.Net;

namespace Daedalus.Sources.Snowflake;

/// <summary>A Snowflake SQL API error reply: HTTP status plus Snowflake's code, SQLSTATE and message when it sent them.</summary>
public sealed class SnowflakeApiException : SourceException
{
    public SnowflakeApiException(string message, HttpStatusCode status, string? code, string? sqlState)
        : base(message)
    {
        Status = status;
        Code = code;
        SqlState = sqlState;
    }

    public SnowflakeApiException()
    {
    }

    public SnowflakeApiException(string message)
        : base(message)
    {
    }

    public SnowflakeApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public HttpStatusCode Status { get; }

    public string? Code { get; }

    public string? SqlState { get; }

    /// <summary>404 on a statement handle: unknown, or its results expired (kept 24 h).</summary>
    public bool IsHandleGone => Status == HttpStatusCode.NotFound;
}
