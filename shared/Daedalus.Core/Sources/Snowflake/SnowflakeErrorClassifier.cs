using System.Net;
using System.Text.Json;

namespace Daedalus.Sources.Snowflake;

/// <summary>
/// Turns a non-success SQL API reply into the exception the pipeline acts on. 429 (after the client's own retries)
/// ends the pull early with the cursor kept; 401/403/400/415/422 are not retried (422 = the query failed: same
/// statement, same failure); 404 on a handle means its results expired; 408 = statement timeout; 5xx = unavailable.
/// Messages carry Snowflake's code, SQLSTATE and message, never request headers or tokens.
/// </summary>
public static class SnowflakeErrorClassifier
{
    public static SourceException Classify(HttpStatusCode status, string body, TimeSpan? retryAfter, string operation)
    {
        var (code, sqlState, message) = Parse(body);
        var detail = message is null ? "" : $": {message}";
        var codes = string.Join(", ", new[] { code is null ? null : $"code {code}", sqlState is null ? null : $"SQLSTATE {sqlState}" }.OfType<string>());
        var suffix = codes.Length == 0 ? "" : $" ({codes})";
        var text = status switch
        {
            HttpStatusCode.TooManyRequests => $"Snowflake rate limit on {operation}{detail}",
            HttpStatusCode.Unauthorized => $"Snowflake rejected the credentials on {operation}{detail}{suffix}; check the user's RSA_PUBLIC_KEY / fingerprint, or refresh the OAuth token",
            HttpStatusCode.Forbidden => $"Snowflake refused {operation}{detail}{suffix}; the user or role lacks access (or a network policy blocks this client)",
            HttpStatusCode.NotFound => $"Snowflake has no such statement on {operation} (unknown handle, or its results expired after 24 h){detail}{suffix}",
            HttpStatusCode.RequestTimeout => $"Snowflake statement timed out on {operation}{detail}{suffix}; raise settings.timeoutSeconds or narrow the query",
            HttpStatusCode.UnsupportedMediaType => $"Snowflake does not accept the request format on {operation}{detail}{suffix}",
            HttpStatusCode.UnprocessableEntity => $"Snowflake query failed on {operation}{detail}{suffix}",
            HttpStatusCode.BadRequest => $"Snowflake rejected the request on {operation}{detail}{suffix}",
            >= HttpStatusCode.InternalServerError => $"Snowflake is unavailable on {operation} (HTTP {(int)status}, after retries){detail}{suffix}",
            _ => $"Snowflake answered HTTP {(int)status} on {operation}{detail}{suffix}",
        };

        return status == HttpStatusCode.TooManyRequests
            ? new SourceRateLimitedException(text, retryAfter)
            : new SnowflakeApiException(text, status, code, sqlState);
    }

    private static (string? Code, string? SqlState, string? Message) Parse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, null, null);
            }

            string? Field(string name) =>
                document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            return (Field("code"), Field("sqlState"), Trim(Field("message")));
        }
        catch (JsonException)
        {
            // Gateways answer with HTML or plain text; a short excerpt is enough to tell them apart.
            var text = body.Trim();
            return (null, null, text.Length == 0 ? null : Trim(text));
        }
    }

    private static string? Trim(string? text) => text is null ? null : text.Length <= 300 ? text : text[..300] + "…";
}
