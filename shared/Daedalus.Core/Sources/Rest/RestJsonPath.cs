using System.Text.Json;

namespace Daedalus.Sources.Rest;

/// <summary>
/// Dotted paths into a JSON document: <c>data.items</c>, <c>meta.next_cursor</c>; <c>$</c> (or empty) is the
/// document itself, and a leading <c>$.</c> is allowed. Property names match exactly.
/// </summary>
public static class RestJsonPath
{
    public static string[] Parse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed is "" or "$")
        {
            return [];
        }

        if (trimmed.StartsWith("$.", StringComparison.Ordinal))
        {
            trimmed = trimmed[2..];
        }

        return trimmed.Split('.');
    }

    public static string Format(string[] path) => path.Length == 0 ? "$" : string.Join('.', path);

    /// <summary>The element at <paramref name="path"/>, or false when a step is missing or not an object.</summary>
    public static bool TrySelect(JsonElement root, string[] path, out JsonElement value)
    {
        value = root;
        foreach (var step in path)
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(step, out value))
            {
                value = default;
                return false;
            }
        }

        return true;
    }

    /// <summary>A scalar at <paramref name="path"/> as text (strings unquoted, numbers as written); null when absent, null or empty.</summary>
    public static string? ScalarText(JsonElement root, string[] path) =>
        path.Length > 0 && TrySelect(root, path, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString() is { Length: > 0 } s ? s : null,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                _ => null,
            }
            : null;
}
