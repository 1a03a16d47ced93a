using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Daedalus.Sources.Monday;

/// <summary>
/// Maps monday column types to typed columns and decodes a cell into the CLR value of that type:
/// <list type="bullet">
/// <item><c>numbers</c>: the number in <c>value</c> via <see cref="NumericText.Parse"/> (a <see cref="decimal"/>, or a
/// <see cref="NumericText"/> past decimal's 28-29 digits; never through a double).</item>
/// <item><c>date</c>: <c>value.date</c> (<c>yyyy-MM-dd</c>) as <see cref="DateOnly"/>; <c>checkbox</c>, <c>rating</c>,
/// <c>hour</c>: their <c>value</c> fields.</item>
/// <item><c>board_relation</c>, <c>dependency</c>: JSON <c>{"linked_item_ids":[ids as strings],"display_value":text}</c>
/// from the typed fragment; <c>subtasks</c>: <c>{"subitems_ids":[…],"display_value":text}</c>; no linked item is NULL.</item>
/// <item><c>mirror</c>, <c>formula</c>: <c>display_value</c>; <c>button</c>: <c>text</c>, else <c>label</c>;
/// <c>item_id</c>: <c>text</c>, else <c>item_id</c>.</item>
/// <item>other structured columns (people, timeline…): the raw <c>value</c> JSON; everything else the display text.</item>
/// </list>
/// Empty cells (<c>""</c> text, <c>null</c> value) are NULL, except an unchecked checkbox, which is <c>false</c>.
/// A cell that cannot be decoded throws <see cref="FormatException"/> with a reason that never quotes the value;
/// <see cref="MondayBoardLayout.ToRecord"/> turns it into an error naming the column.
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

    /// <summary>The value of <paramref name="cell"/> for a column of monday type <paramref name="mondayType"/> stored as <paramref name="type"/>.</summary>
    /// <exception cref="FormatException">The cell does not hold a value of its type (the message names no value).</exception>
    public static object? Convert(string mondayType, ColumnType type, MondayColumnValue? cell)
    {
        if (cell is null)
        {
            return type == ColumnType.Boolean ? false : null;
        }

        switch (mondayType.ToLowerInvariant())
        {
            case "board_relation":
            case "dependency":
                return Relation("linked_item_ids", cell.LinkedItemIds ?? throw Missing("linked_item_ids"), cell.DisplayValue);
            case "subtasks":
                return Relation("subitems_ids", cell.SubitemsIds ?? throw Missing("subitems_ids"), cell.DisplayValue);
            case "mirror":
                return NullIfEmpty(cell.DisplayValue ?? throw Missing("display_value"));
            case "formula":
                // display_value is documented non-null, but monday does not compute formulas over mirror columns:
                // such a cell is unknown, not an error.
                return NullIfEmpty(cell.DisplayValue);
            case "button":
                return NullIfEmpty(cell.Text) ?? NullIfEmpty(cell.Label);
            case "item_id":
                return NullIfEmpty(cell.Text) ?? NullIfEmpty(cell.ItemId);
        }

        var text = NullIfEmpty(cell.Text);
        using var value = ParseValue(cell.Value);
        var root = value?.RootElement;
        return type switch
        {
            ColumnType.Decimal => root is { } number ? Decimal(number) : text is null ? null : NumericText.Parse(text),
            ColumnType.Date => root is { } date ? Date(Property(date, "date")) : text is null ? null : Date(text),
            // An unchecked box has no value at all; that is false, not unknown.
            ColumnType.Boolean => root is { } box ? Boolean(Property(box, "checked")) : text is not null && string.Equals(text, "v", StringComparison.OrdinalIgnoreCase),
            ColumnType.Integer => root is { } rating ? Integer(Property(rating, "rating")) : null,
            ColumnType.Time => root is { } hour ? Time(hour) : null,
            ColumnType.Json => root is null ? null : cell.Value,
            _ => text,
        };
    }

    private static FormatException Missing(string field) =>
        new($"the response has no {field} for this cell: the items query must ask for it in the column type's fragment");

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    /// <summary>JSON <c>{"&lt;idsField&gt;":["1",…],"display_value":"…"}</c>, or null when nothing is linked.</summary>
    private static string? Relation(string idsField, IReadOnlyList<string> ids, string? displayValue)
    {
        if (ids.Count == 0)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray(idsField);
            foreach (var id in ids)
            {
                // Ids are strings of digits in the API (type ID); anything else is not an item id.
                if (id.Length == 0 || !id.All(char.IsAsciiDigit))
                {
                    throw new FormatException($"{idsField} holds something that is not an item id");
                }

                writer.WriteStringValue(id);
            }

            writer.WriteEndArray();
            writer.WriteString("display_value", displayValue ?? "");
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static JsonDocument? ParseValue(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            // JsonException messages quote the offending character: keep them out.
            throw new FormatException("value is not valid JSON", ex);
        }

        if (document.RootElement.ValueKind == JsonValueKind.Null)
        {
            document.Dispose();
            return null;
        }

        return document;
    }

    private static JsonElement? Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>monday stores a number as a JSON string (<c>"\"12.5\""</c>); a bare JSON number is read from its raw digits.</summary>
    private static object? Decimal(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String when element.GetString() is { Length: > 0 } s => NumericText.Parse(s),
        JsonValueKind.String => null,
        JsonValueKind.Number => NumericText.Parse(element.GetRawText()),
        _ => throw new FormatException("value is not a number"),
    };

    private static DateOnly? Date(JsonElement? element) => element switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } e when e.GetString() is "" => null,
        { ValueKind: JsonValueKind.String } e => Date(e.GetString()!),
        _ => throw new FormatException("date is not a string"),
    };

    private static DateOnly Date(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw new FormatException("date is not a yyyy-MM-dd calendar date");

    private static bool Boolean(JsonElement? element) => element switch
    {
        null => false,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { ValueKind: JsonValueKind.String } e when bool.TryParse(e.GetString(), out var b) => b,
        _ => throw new FormatException("checked is not true or false"),
    };

    private static long? Integer(JsonElement? element) => element switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } e when e.TryGetInt64(out var n) => n,
        { ValueKind: JsonValueKind.String } e when long.TryParse(e.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => n,
        _ => throw new FormatException("not a whole number"),
    };

    private static TimeOnly? Time(JsonElement element)
    {
        if (Integer(Property(element, "hour")) is not { } hour)
        {
            return null;
        }

        var minute = Integer(Property(element, "minute")) ?? 0;
        return hour is >= 0 and < 24 && minute is >= 0 and < 60
            ? new TimeOnly((int)hour, (int)minute)
            : throw new FormatException("hour or minute out of range");
    }
}
