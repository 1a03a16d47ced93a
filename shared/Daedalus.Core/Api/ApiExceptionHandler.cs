using System.Text;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Daedalus.Api;

/// <summary>
/// Exceptions that are the client's fault, answered with their 4xx instead of the exception handler's 500:
/// Kestrel's <see cref="BadHttpRequestException"/> (a malformed chunked body, a body over Kestrel's limit, a read
/// timeout) with its own status, and text PostgreSQL refuses (a safety net behind validation, which refuses it by
/// field first) as 400. Anything else stays a 500 without internals.
/// </summary>
public sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = Classify(exception);
        if (status is null || httpContext.Response.HasStarted)
        {
            return false;
        }

        LogClientError(logger, status.Value, exception.GetType().Name, httpContext.Request.Method);
        httpContext.Response.StatusCode = status.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>The 4xx an exception stands for, or null when it is a server error.</summary>
    public static (int? Status, string Title, string Detail) Classify(Exception exception) => exception switch
    {
        BadHttpRequestException bad => (bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : StatusCodes.Status400BadRequest, "Bad request", "The request could not be read (malformed framing, body or headers)."),

        // Kestrel reports a chunk size too large for its parser as an IOException around the OverflowException.
        IOException { InnerException: OverflowException } => (StatusCodes.Status400BadRequest, "Bad request", "The request could not be read (malformed framing, body or headers)."),
        PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter } =>
            (StatusCodes.Status400BadRequest, "Bad request", "The request contains text PostgreSQL cannot store (a NUL character or invalid Unicode)."),
        EncoderFallbackException or InvalidCastException { InnerException: EncoderFallbackException } =>
            (StatusCodes.Status400BadRequest, "Bad request", "The request contains invalid Unicode text (an unpaired surrogate)."),
        _ => (null, "", ""),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Answered {Status} to a {Method} request the client got wrong ({Exception})")]
    private static partial void LogClientError(ILogger logger, int status, string exception, string method);
}
