using System.Globalization;
using System.Text.Json;

namespace Daedalus.Sources.Snowflake;

/// <summary>
/// Decodes jsonv2 cells by the column's rowType into the CLR type of its <see cref="ColumnType"/>. Every non-null
/// cell is a string: fixed = the decimal verbatim (not divided by scale), real = float, boolean = "true"/"false",
/// date = days since epoch, time = seconds since midnight, timestamp_ntz/ltz = epoch seconds with fraction,
/// timestamp_tz = "&lt;epoch seconds&gt; &lt;offset minutes + 1440&gt;", binary = hex, variant/object/array = JSON text.
/// Timestamps come out as UTC instants (offset 0), which is what timestamptz stores.
/// </summary>
public static class SnowflakeValueDecoder
{
    public static ColumnType ColumnTypeOf(SnowflakeColumn column) => Kind(column.Type) switch
    {
        "fixed" or "number" or "decimal" or "numeric" or "int" or "integer" or "bigint" => (column.Scale ?? 0) == 0 ? ColumnType.Integer : ColumnType.Decimal,
        "decfloat" => ColumnType.Decimal,
        "real" or "float" or "double" => ColumnType.Double,
        "boolean" => ColumnType.Boolean,
        "date" => ColumnType.Date,
        "time" => ColumnType.Time,
        "timestamp_ntz" or "timestamp_ltz" or "timestamp_tz" or "timestamp" or "datetime" => ColumnType.Timestamp,
        "variant" or "object" or "array" or "map" => ColumnType.Json,
        _ => ColumnType.Text,
    };

    public static object? Decode(SnowflakeColumn column, string? cell)
    {
        if (cell is null)
        {
            return null;
        }

        try
        {
            return ColumnTypeOf(column) switch
            {
                ColumnType.Integer => long.Parse(cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
                ColumnType.Decimal => decimal.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture),
                ColumnType.Double => ParseDouble(cell),
                ColumnType.Boolean => ParseBoolean(cell),
                ColumnType.Date => DateOnly.FromDayNumber(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + int.Parse(cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)),
                ColumnType.Time => TimeOnly.FromTimeSpan(TimeSpan.FromTicks(Nanoseconds(cell) / 100)),
                ColumnType.Timestamp => Timestamp(column, cell),
                ColumnType.Json => Json(cell),
                _ => cell,
            };
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentOutOfRangeException or JsonException)
        {
            // The cell value itself is left out: it may be sensitive.
            var hint = ex is OverflowException && ColumnTypeOf(column) == ColumnType.Integer
                ? "; the value does not fit a 64-bit integer: cast the column (e.g. ::NUMBER(38,2) or ::VARCHAR) in a query stream"
                : "";
            throw new SourceException($"column {column.Name} ({column.Type}): cannot decode a {column.Type} cell ({ex.GetType().Name}){hint}", ex);
        }
    }

    /// <summary>Parses "seconds[.fraction]" (fraction up to 9 digits) into whole nanoseconds without going through floating point.</summary>
    public static long Nanoseconds(string seconds)
    {
        var value = decimal.Parse(seconds, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        return checked((long)decimal.Truncate(value * 1_000_000_000m));
    }

    public static string Kind(string type) => type.Trim().ToLowerInvariant();

    private static DateTimeOffset Timestamp(SnowflakeColumn column, string cell)
    {
        var text = cell;
        if (Kind(column.Type) == "timestamp_tz")
        {
            // "<epoch seconds> <offset + 1440>": the epoch part is already UTC; the offset only says where it was written.
            var space = cell.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0)
            {
                throw new FormatException("timestamp_tz cell without an offset");
            }

            var offset = int.Parse(cell.AsSpan(space + 1), NumberStyles.Integer, CultureInfo.InvariantCulture) - 1440;
            if (offset is < -1440 or > 1440)
            {
                throw new FormatException("timestamp_tz offset out of range");
            }

            text = cell[..space];
        }

        var ticks = Nanoseconds(text) / 100;
        return new DateTimeOffset(DateTime.UnixEpoch.Ticks + ticks, TimeSpan.Zero);
    }

    private static double ParseDouble(string cell) => cell switch
    {
        "NaN" => double.NaN,
        "inf" or "Infinity" => double.PositiveInfinity,
        "-inf" or "-Infinity" => double.NegativeInfinity,
        _ => double.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static bool ParseBoolean(string cell) =>
        string.Equals(cell, "true", StringComparison.OrdinalIgnoreCase) || cell == "1" ? true
        : string.Equals(cell, "false", StringComparison.OrdinalIgnoreCase) || cell == "0" ? false
        : throw new FormatException("not a boolean");

    private static string Json(string cell)
    {
        // Validate now, so a bad cell fails here with its column name rather than later inside COPY.
        using var document = JsonDocument.Parse(cell);
        return cell;
    }
}
