using System.Globalization;
using System.Text.Json;

namespace Daedalus.Sources.Monday;

/// <summary>
/// Maps monday column types to typed columns and a cell (<c>text</c> + <c>value</c> JSON) to the CLR value of
/// that type. Structured columns (people, timeline, relations...) keep their raw JSON; everything else is
/// the display text. A value that does not parse as its type becomes null rather than failing the pull.
/// </summary>
public static class MondayColumnValueFlattener
{
    private static readonly HashSet<string> JsonTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "board_relation", "dependency", "file", "location", "people", "subtasks", "timeline", "week", "world_clock",
    };

    public static ColumnType TypeOf(string mondayType) => mondayType.ToLowerInvariant() switch
    {
        "numbers" => ColumnType.Decimal,
        "date" => ColumnType.Date,
        "checkbox" => ColumnType.Boolean,
        "rating" => ColumnType.Integer,
        "hour" => ColumnType.Time,
        var t when JsonTypes.Contains(t) => ColumnType.Json,
        _ => ColumnType.Text,
    };

    public static object? Convert(ColumnType type, MondayColumnValue? cell)
    {
        if (cell is null)
        {
            return type == ColumnType.Boolean ? false : null;
        }

        var text = string.IsNullOrEmpty(cell.Text) ? null : cell.Text;
        using var value = ParseValue(cell.Value);
        var root = value?.RootElement;
        return type switch
        {
            ColumnType.Decimal => Decimal(root) ?? Decimal(text),
            ColumnType.Date => Date(Property(root, "date")) ?? Date(text),
            // An unchecked box has no value at all; that is false, not unknown.
            ColumnType.Boolean => Boolean(Property(root, "checked")) ?? (text is null ? false : string.Equals(text, "v", StringComparison.OrdinalIgnoreCase)),
            ColumnType.Integer => Integer(Property(root, "rating")),
            ColumnType.Time => Time(root),
            ColumnType.Json => root is null ? null : cell.Value,
            _ => text,
        };
    }

    private static JsonDocument? ParseValue(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Null)
            {
                document.Dispose();
                return null;
            }

            return document;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonElement? Property(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static decimal? Decimal(JsonElement? element) => element switch
    {
        { ValueKind: JsonValueKind.Number } e when e.TryGetDecimal(out var d) => d,
        { ValueKind: JsonValueKind.String } e => Decimal(e.GetString()),
        _ => null,
    };

    private static decimal? Decimal(string? text) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    private static DateOnly? Date(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.String } e ? Date(e.GetString()) : null;

    private static DateOnly? Date(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    private static bool? Boolean(JsonElement? element) => element switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { ValueKind: JsonValueKind.String } e => bool.TryParse(e.GetString(), out var b) ? b : null,
        _ => null,
    };

    private static long? Integer(JsonElement? element) => element switch
    {
        { ValueKind: JsonValueKind.Number } e when e.TryGetInt64(out var n) => n,
        { ValueKind: JsonValueKind.String } e when long.TryParse(e.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    private static TimeOnly? Time(JsonElement? element)
    {
        var hour = Integer(Property(element, "hour"));
        var minute = Integer(Property(element, "minute")) ?? 0;
        return hour is >= 0 and < 24 && minute is >= 0 and < 60 ? new TimeOnly((int)hour, (int)minute) : null;
    }
}
