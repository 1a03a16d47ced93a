using System.Text.Json;

namespace Daedalus.Sources.QuickBooks;

/// <summary>
/// Reads QuickBooks errors in both casings: the API's <c>{"Fault":{"Error":[{"Message","Detail","code"}],"type"},"time":"ISO"}</c>
/// and the gateway's <c>{"fault":{"error":[{"message","code"}],"type"},"time":epoch-ms}</c>. A fault may come with
/// HTTP 200 too, so the body is checked whatever the status.
/// </summary>
public static class QuickBooksFaultParser
{
    /// <summary>Classifies one response; on success <paramref name="root"/> is the parsed body.</summary>
    public static QuickBooksFault? Parse(int statusCode, TimeSpan? retryAfter, string body, out JsonElement root)
    {
        root = default;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return statusCode >= 400
                ? FromStatus(statusCode, retryAfter, null, null, null)
                : new QuickBooksFault(QuickBooksFaultKind.Malformed, $"QuickBooks answered HTTP {statusCode} with a body that is not valid JSON ({body.Length} characters): {ex.Message}", null, null, null);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return statusCode >= 400
                ? FromStatus(statusCode, retryAfter, null, null, null)
                : new QuickBooksFault(QuickBooksFaultKind.Malformed, $"QuickBooks answered HTTP {statusCode} with JSON that is not an object ({root.ValueKind})", null, null, null);
        }

        if (Property(root, "Fault") is { ValueKind: JsonValueKind.Object } fault)
        {
            var type = Text(fault, "type");
            var errors = Property(fault, "Error") is { ValueKind: JsonValueKind.Array } list ? list.EnumerateArray().ToList() : [];
            var first = errors.Count > 0 ? errors[0] : default;
            var code = first.ValueKind == JsonValueKind.Object ? Text(first, "code") : null;
            var message = first.ValueKind == JsonValueKind.Object ? Text(first, "Message") : null;
            var detail = first.ValueKind == JsonValueKind.Object ? Text(first, "Detail") : null;
            var text = string.Join(": ", new[] { message, detail }.Where(s => !string.IsNullOrWhiteSpace(s)).Distinct());
            if (errors.Count > 1)
            {
                text += $" (and {errors.Count - 1} more)";
            }

            return FromStatus(statusCode, retryAfter, type, code, text.Length == 0 ? null : text)
                ?? Classify(statusCode, retryAfter, type, code, text);
        }

        return statusCode >= 400 ? FromStatus(statusCode, retryAfter, null, null, Text(root, "error_description") ?? Text(root, "error")) : null;
    }

    private static QuickBooksFault? FromStatus(int statusCode, TimeSpan? retryAfter, string? type, string? code, string? message)
    {
        if (statusCode < 400)
        {
            return null;
        }

        return Classify(statusCode, retryAfter, type, code, message ?? "");
    }

    private static QuickBooksFault Classify(int statusCode, TimeSpan? retryAfter, string? type, string? code, string message)
    {
        var described = Describe(statusCode, type, code, message);
        if (statusCode == 429 || code is "3001" || message.Contains("ThrottleExceeded", StringComparison.OrdinalIgnoreCase))
        {
            return new QuickBooksFault(QuickBooksFaultKind.Throttled, described, code, type, retryAfter);
        }

        if (statusCode == 401 || code is "3200" || Is(type, "AuthenticationFault") || Is(type, "AUTHENTICATION"))
        {
            return new QuickBooksFault(QuickBooksFaultKind.Unauthenticated, described, code, type, null);
        }

        if (statusCode == 403 || code is "3100" || Is(type, "AuthorizationFault") || Is(type, "AUTHORIZATION"))
        {
            return new QuickBooksFault(QuickBooksFaultKind.Forbidden, described, code, type, null);
        }

        if (statusCode >= 500 || Is(type, "SystemFault"))
        {
            return new QuickBooksFault(QuickBooksFaultKind.Server, described, code, type, retryAfter);
        }

        return new QuickBooksFault(QuickBooksFaultKind.Validation, described, code, type, null);
    }

    private static string Describe(int statusCode, string? type, string? code, string message)
    {
        var label = string.Join(" ", new[] { type, code is null ? null : $"code {code}" }.Where(s => s is not null));
        return $"QuickBooks answered HTTP {statusCode}{(label.Length == 0 ? "" : $" ({label})")}{(message.Length == 0 ? "" : $": {message}")}";
    }

    private static bool Is(string? value, string expected) => string.Equals(value, expected, StringComparison.OrdinalIgnoreCase);

    /// <summary>A property by name, whatever its casing (<c>Fault</c>/<c>fault</c>, <c>Message</c>/<c>message</c>).</summary>
    private static JsonElement? Property(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    private static string? Text(JsonElement element, string name) =>
        Property(element, name) is { } value
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;
}
