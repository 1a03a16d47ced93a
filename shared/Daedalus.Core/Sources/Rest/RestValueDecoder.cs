using System.Globalization;
using System.Text.Json;

namespace Daedalus.Sources.Rest;

/// <summary>
/// One JSON value into a column's type, exactly: numbers from their text (a <see cref="decimal"/> or
/// <see cref="NumericText"/>, never through a double unless the column is double), timestamps only with a UTC offset,
/// JSON kept as written, times and timestamps only when nothing past the microsecond would be lost
/// (<see cref="TemporalPrecision"/>). Returns why a value does not fit (naming its JSON kind, never the value); a
/// string that is not valid Unicode (an unpaired surrogate escape) is such a value, not an error of the page.
/// </summary>
public static class RestValueDecoder
{
    public static string? Decode(ColumnType type, JsonElement cell, out object? value)
    {
        value = null;
        if (cell.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        try
        {
            return DecodeValue(type, cell, out value);
        }
        catch (InvalidOperationException)
        {
            // GetString() refuses a string with an unpaired surrogate: that cell rejects its record, not the page.
            value = null;
            return JsonText.UnpairedSurrogateProblem;
        }
    }

    private static string? DecodeValue(ColumnType type, JsonElement cell, out object? value)
    {
        value = null;
        switch (type)
        {
            case ColumnType.Json:
                value = cell.GetRawText();
                return null;
            case ColumnType.Text:
                value = cell.ValueKind == JsonValueKind.String ? cell.GetString() : cell.GetRawText();
                return null;
            case ColumnType.Integer:
                if (NumberText(cell) is { } integer && long.TryParse(integer, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
                {
                    value = whole;
                    return null;
                }

                return $"is not a whole number within 64 bits ({Kind(cell)})";
            case ColumnType.Decimal:
                if (NumberText(cell) is { } number)
                {
                    try
                    {
                        value = NumericText.Parse(number);
                        return null;
                    }
                    catch (FormatException)
                    {
                        return $"is not a decimal number ({Kind(cell)})";
                    }
                    catch (OverflowException)
                    {
                        return "is beyond PostgreSQL numeric's range";
                    }
                }

                return $"is not a decimal number ({Kind(cell)})";
            case ColumnType.Double:
                if (NumberText(cell) is { } real && double.TryParse(real, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
                {
                    value = d;
                    return null;
                }

                return $"is not a finite number ({Kind(cell)})";
            case ColumnType.Boolean:
                if (cell.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    value = cell.GetBoolean();
                    return null;
                }

                if (cell.ValueKind == JsonValueKind.String && bool.TryParse(cell.GetString(), out var flag))
                {
                    value = flag;
                    return null;
                }

                return $"is not true or false ({Kind(cell)})";
            case ColumnType.Timestamp:
                if (cell.ValueKind == JsonValueKind.String && RestCursorValue.TryTimestamp(cell.GetString()!, out var time))
                {
                    if (!TemporalPrecision.FitsMicroseconds(cell.GetString()))
                    {
                        return TemporalPrecision.Problem;
                    }

                    value = time.ToUniversalTime();
                    return null;
                }

                return $"is not an ISO 8601 timestamp with a UTC offset ({Kind(cell)})";
            case ColumnType.Date:
                if (cell.ValueKind == JsonValueKind.String && DateOnly.TryParseExact(cell.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    value = date;
                    return null;
                }

                return $"is not a date yyyy-MM-dd ({Kind(cell)})";
            case ColumnType.Time:
                if (cell.ValueKind == JsonValueKind.String && TimeOnly.TryParseExact(cell.GetString(), ["HH:mm:ss", "HH:mm:ss.FFFFFFF", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var clock))
                {
                    if (!TemporalPrecision.FitsMicroseconds(cell.GetString()))
                    {
                        return TemporalPrecision.Problem;
                    }

                    value = clock;
                    return null;
                }

                return $"is not a time of day HH:mm:ss ({Kind(cell)})";
            default:
                return $"has an unsupported column type {type}";
        }
    }

    /// <summary>The number's text: a JSON number as written, or a string that holds one (APIs quote big ids and amounts).</summary>
    private static string? NumberText(JsonElement cell) => cell.ValueKind switch
    {
        JsonValueKind.Number => cell.GetRawText(),
        JsonValueKind.String when cell.GetString() is { Length: > 0 and < 400 } s && (char.IsAsciiDigit(s[0]) || s[0] is '-' or '+' or '.') => s,
        _ => null,
    };

    private static string Kind(JsonElement cell) => cell.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => cell.ValueKind.ToString(),
    };
}
