using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Daedalus.Sources.Monday;

/// <summary>
/// Turns a monday response into data or a <see cref="MondayFailure"/>. monday reports application errors as
/// HTTP 200 with <c>errors[]</c> (maybe beside partial <c>data</c>, which is never trusted), transport errors
/// as 4xx/5xx, and the pre-2025 complexity error as a top-level <c>error_code</c> object.
/// </summary>
public static partial class MondayErrorClassifier
{
    private static readonly string[] RateLimitCodes =
    [
        "COMPLEXITY_BUDGET_EXHAUSTED", "ComplexityException", "maxConcurrencyExceeded", "IP_RATE_LIMIT_EXCEEDED",
        "RATE_LIMIT_EXCEEDED", "RateLimitExceeded", "Rate Limit Exceeded",
    ];

    private static readonly string[] AuthCodes =
    [
        "UserUnauthorizedException", "USER_UNAUTHORIZED", "USER_ACCESS_DENIED", "missingRequiredPermissions",
        "UNAUTHORIZED_FIELD_OR_TYPE", "Unauthorized", "UNAUTHENTICATED", "NotAuthenticated",
    ];

    /// <summary>Classifies one response; on success <paramref name="data"/> is the <c>data</c> object.</summary>
    public static MondayFailure? Classify(int statusCode, TimeSpan? retryAfter, string body, DateTimeOffset now, out JsonElement data)
    {
        data = default;
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return statusCode >= 400
                ? FromStatus(statusCode, retryAfter, null)
                : new MondayFailure(MondayFailureKind.Malformed, $"monday answered HTTP {statusCode} with a body that is not valid JSON ({body.Length} characters): {ex.Message}", null);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return statusCode >= 400
                ? FromStatus(statusCode, retryAfter, null)
                : new MondayFailure(MondayFailureKind.Malformed, $"monday answered HTTP {statusCode} with JSON that is not an object ({root.ValueKind})", null);
        }

        // Legacy shape: {"error_code": "ComplexityException", "status_code": 429, "error_message": "... reset in 12 seconds"}.
        if (root.TryGetProperty("error_code", out var legacyCode) || root.TryGetProperty("error_message", out _))
        {
            var code = legacyCode.ValueKind == JsonValueKind.String ? legacyCode.GetString() : null;
            var message = StringOf(root, "error_message") ?? code ?? "unknown error";
            return FromCode(code, message, null, statusCode, retryAfter, now)
                ?? FromStatus(statusCode, retryAfter, message)
                ?? new MondayFailure(MondayFailureKind.Error, $"monday error {code}: {message}", retryAfter);
        }

        if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
        {
            MondayFailure? first = null;
            foreach (var error in errors.EnumerateArray())
            {
                var message = StringOf(error, "message") ?? "unknown error";
                string? code = null;
                JsonElement? extensions = null;
                if (error.TryGetProperty("extensions", out var ext) && ext.ValueKind == JsonValueKind.Object)
                {
                    extensions = ext;
                    code = StringOf(ext, "code");
                }

                var failure = FromCode(code, message, extensions, statusCode, retryAfter, now);
                if (failure is not null)
                {
                    // A wait-and-retry or auth failure explains the whole response better than a generic query error.
                    return failure;
                }

                first ??= new MondayFailure(MondayFailureKind.Error, code is null ? $"monday error: {message}" : $"monday error {code}: {message}", null);
            }

            return FromStatus(statusCode, retryAfter, first!.Message) ?? first;
        }

        if (statusCode >= 400)
        {
            return FromStatus(statusCode, retryAfter, StringOf(root, "message"));
        }

        if (!root.TryGetProperty("data", out data) || data.ValueKind != JsonValueKind.Object)
        {
            return new MondayFailure(MondayFailureKind.Malformed, $"monday answered HTTP {statusCode} without a data object", null);
        }

        return null;
    }

    /// <summary>When monday's daily call limit resets: the next 00:00 UTC.</summary>
    public static TimeSpan UntilMidnightUtc(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        return new DateTimeOffset(utc.Date.AddDays(1), TimeSpan.Zero) - utc;
    }

    private static MondayFailure? FromCode(string? code, string message, JsonElement? extensions, int statusCode, TimeSpan? retryAfter, DateTimeOffset now)
    {
        if (Is(code, "DAILY_LIMIT_EXCEEDED") || message.Contains("daily limit", StringComparison.OrdinalIgnoreCase))
        {
            return new MondayFailure(MondayFailureKind.DailyLimit, $"monday daily call limit reached ({message}); it resets at 00:00 UTC", UntilMidnightUtc(now));
        }

        if (RateLimitCodes.Any(c => Is(code, c)) || message.Contains("Minute limit rate exceeded", StringComparison.OrdinalIgnoreCase)
            || message.Contains("Complexity budget exhausted", StringComparison.OrdinalIgnoreCase))
        {
            var wait = retryAfter ?? Seconds(extensions, "retry_in_seconds") ?? Seconds(extensions, "reset_in_x_seconds") ?? ResetInFromMessage(message);
            return new MondayFailure(MondayFailureKind.RateLimited, $"monday rate limit {code ?? ""}: {message}".Replace("  ", " ", StringComparison.Ordinal), wait);
        }

        if (AuthCodes.Any(c => Is(code, c)) || statusCode is 401 or 403 || message.Contains("Not Authenticated", StringComparison.OrdinalIgnoreCase))
        {
            return new MondayFailure(MondayFailureKind.Unauthorized, $"monday refused the token ({code ?? $"HTTP {statusCode}"}: {message})", null);
        }

        if ((code?.Contains("cursor", StringComparison.OrdinalIgnoreCase) ?? false)
            || (message.Contains("cursor", StringComparison.OrdinalIgnoreCase)
                && (message.Contains("expired", StringComparison.OrdinalIgnoreCase) || message.Contains("invalid", StringComparison.OrdinalIgnoreCase))))
        {
            return new MondayFailure(MondayFailureKind.CursorExpired, $"monday no longer accepts the page cursor ({code ?? "cursor"}: {message})", null);
        }

        if (Is(code, "ResourceLockedException") || statusCode == 423)
        {
            return new MondayFailure(MondayFailureKind.Locked, $"monday board is locked ({message})", retryAfter);
        }

        return null;
    }

    private static MondayFailure? FromStatus(int statusCode, TimeSpan? retryAfter, string? message)
    {
        var detail = message is null ? "" : $": {message}";
        return statusCode switch
        {
            401 or 403 => new MondayFailure(MondayFailureKind.Unauthorized, $"monday refused the token (HTTP {statusCode}{detail})", null),
            423 => new MondayFailure(MondayFailureKind.Locked, $"monday board is locked (HTTP 423{detail})", retryAfter),
            429 => new MondayFailure(MondayFailureKind.RateLimited, $"monday rate limit (HTTP 429{detail})", retryAfter),
            >= 400 => new MondayFailure(MondayFailureKind.Error, $"monday answered HTTP {statusCode}{detail}", retryAfter),
            _ => null,
        };
    }

    private static bool Is(string? code, string expected) => string.Equals(code, expected, StringComparison.OrdinalIgnoreCase);

    private static string? StringOf(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static TimeSpan? Seconds(JsonElement? element, string name)
    {
        if (element is not { ValueKind: JsonValueKind.Object } e || !e.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetDouble(out var s) && s >= 0 => TimeSpan.FromSeconds(s),
            JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0 => TimeSpan.FromSeconds(s),
            _ => null,
        };
    }

    private static TimeSpan? ResetInFromMessage(string message)
    {
        var match = ResetIn().Match(message);
        return match.Success ? TimeSpan.FromSeconds(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)) : null;
    }

    [GeneratedRegex(@"reset in (\d{1,6}) seconds?", RegexOptions.IgnoreCase)]
    private static partial Regex ResetIn();
}
