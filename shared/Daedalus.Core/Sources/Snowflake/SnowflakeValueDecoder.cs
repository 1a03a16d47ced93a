using System.Globalization;
using System.Text.Json;

namespace Daedalus.Sources.Snowflake;

/// <summary>
/// Decodes jsonv2 cells by the column's rowType into the CLR type of its <see cref="ColumnType"/>. Every non-null
/// cell is a string: fixed = the decimal verbatim (not divided by scale), decfloat = a decimal, in exponent form
/// past 38 digits, real = float ("NaN", "inf", "-inf" too), boolean = "true"/"false", date = days since epoch,
/// time = seconds since midnight, timestamp_ntz/ltz = epoch seconds with fraction, timestamp_tz =
/// "&lt;epoch seconds&gt; &lt;offset minutes + 1440&gt;", binary = hex, variant/object/array = JSON text.
/// Decimals keep every digit (<see cref="NumericText.Parse"/>); a time or timestamp with a non-zero digit past the
/// microsecond (TIME(9)/TIMESTAMP(9) hold nanoseconds, PostgreSQL keeps microseconds) is refused, never truncated
/// (<see cref="TemporalPrecision"/>); timestamps come out as UTC instants (offset 0), which is what timestamptz stores. A cell that cannot be held exactly (a date or timestamp outside 0001-01-01 .. 9999-12-31,
/// a number past PostgreSQL numeric's digits) throws <see cref="SourceException"/> naming the column, not the value.
/// </summary>
public static class SnowflakeValueDecoder
{
    /// <summary>
    /// The widest NUMBER(p,0) loaded as bigint: 18 nines fit in 64 bits, 19 do not. Snowflake's INT, INTEGER and
    /// BIGINT are NUMBER(38,0), so they load as numeric.
    /// </summary>
    public const int MaxBigintPrecision = 18;

    public static ColumnType ColumnTypeOf(SnowflakeColumn column) => Kind(column.Type) switch
    {
        "fixed" or "number" or "decimal" or "numeric" or "int" or "integer" or "bigint" => FitsBigint(column) ? ColumnType.Integer : ColumnType.Decimal,
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
                ColumnType.Decimal => NumericText.Parse(cell),
                ColumnType.Double => ParseDouble(cell),
                ColumnType.Boolean => ParseBoolean(cell),
                ColumnType.Date => Date(cell),
                ColumnType.Time => Microseconds(column, SnowflakeEpochSeconds.Parse(cell)).ToTimeOfDay(),
                ColumnType.Timestamp => Timestamp(column, cell),
                ColumnType.Json => Json(cell),
                _ => Text(cell),
            };
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentOutOfRangeException or JsonException)
        {
            // The cell value itself is left out: it may be sensitive.
            var hint = ex is OverflowException or ArgumentOutOfRangeException ? "; the value is out of the range Daedalus can load exactly" : "";
            throw new SourceException($"column {column.Name} ({column.Type}): cannot decode a {column.Type} cell ({ex.GetType().Name}){hint}", ex);
        }
    }

    public static string Kind(string type) => type.Trim().ToLowerInvariant();

    // NUMBER(p,0) up to 18 digits always fits a long; a missing precision is taken as Snowflake's default, 38.
    private static bool FitsBigint(SnowflakeColumn column) =>
        (column.Scale ?? 0) == 0 && column.Precision is { } precision && precision <= MaxBigintPrecision;

    private static DateOnly Date(string cell)
    {
        // Long arithmetic, so a day count far outside DateOnly's range throws instead of wrapping into it.
        var days = long.Parse(cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dayNumber = checked(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + days);
        return dayNumber is >= 0 and <= int.MaxValue
            ? DateOnly.FromDayNumber((int)dayNumber)
            : throw new ArgumentOutOfRangeException(nameof(cell), "day count outside 0001-01-01 .. 9999-12-31");
    }

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

        return Microseconds(column, SnowflakeEpochSeconds.Parse(text)).ToUtcInstant();
    }

    // Truncating would land a different instant than Snowflake holds, silently; the row goes to quarantine instead.
    private static SnowflakeEpochSeconds Microseconds(SnowflakeColumn column, SnowflakeEpochSeconds seconds) =>
        TemporalPrecision.FitsMicroseconds(seconds.Nanoseconds)
            ? seconds
            : throw new SourceException($"column {column.Name} ({column.Type}): a {column.Type} cell {TemporalPrecision.Problem}");

    private static double ParseDouble(string cell) => cell switch
    {
        "NaN" => double.NaN,
        "inf" or "Infinity" => double.PositiveInfinity,
        "-inf" or "-Infinity" => double.NegativeInfinity,

        // double.Parse answers infinity for a finite number past double's range; that would be a different value.
        _ => double.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture) is var value && double.IsFinite(value)
            ? value
            : throw new OverflowException("beyond double precision's range"),
    };

    private static bool ParseBoolean(string cell) =>
        string.Equals(cell, "true", StringComparison.OrdinalIgnoreCase) || cell == "1" ? true
        : string.Equals(cell, "false", StringComparison.OrdinalIgnoreCase) || cell == "0" ? false
        : throw new FormatException("not a boolean");

    private static string Text(string cell) =>
        // PostgreSQL text cannot hold U+0000; refusing here names the column instead of failing the whole COPY.
        cell.Contains('\0', StringComparison.Ordinal) ? throw new FormatException("text with U+0000, which PostgreSQL text cannot hold") : cell;

    private static string Json(string cell)
    {
        // Validate now, so a bad cell fails here with its column name rather than later inside COPY.
        using var document = JsonDocument.Parse(cell);
        return cell;
    }
}
