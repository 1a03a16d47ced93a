using System.Globalization;

namespace Daedalus.Sources.Snowflake;

/// <summary>
/// A cursor: the watermark column's Snowflake type and its raw jsonv2 cell, stored as "type:cell" so the next
/// read can bind it exactly (no float or time-zone round trip).
/// </summary>
public sealed record SnowflakeWatermark(string Type, string Cell)
{
    private static readonly string[] Supported = ["fixed", "number", "real", "float", "double", "text", "date", "time", "timestamp_ntz", "timestamp_ltz", "timestamp_tz"];

    public static bool IsSupported(SnowflakeColumn column) => Supported.Contains(SnowflakeValueDecoder.Kind(column.Type));

    public static SnowflakeWatermark Parse(string cursor)
    {
        var colon = cursor.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !Supported.Contains(cursor[..colon]))
        {
            throw new SourceException($"stored cursor '{cursor}' is not a Snowflake watermark (type:value); reset the stream's cursor");
        }

        return new SnowflakeWatermark(cursor[..colon], cursor[(colon + 1)..]);
    }

    public override string ToString() => $"{Type}:{Cell}";

    /// <summary>
    /// The bind variable in the SQL API's wire form: fixed/real/text as-is, date as epoch milliseconds,
    /// time as nanoseconds since midnight, timestamps as epoch nanoseconds (timestamp_tz adds "offset+1440").
    /// Nanoseconds are built from the stored cell's digits, never through a 64-bit nanosecond count, so every
    /// digit Snowflake sent is bound back (9999-12-31 23:59:59.999999999 is 253402300799999999999 ns).
    /// </summary>
    public SnowflakeBinding ToBinding()
    {
        try
        {
            return SnowflakeValueDecoder.Kind(Type) switch
            {
                "fixed" or "number" => Cell.Contains('.', StringComparison.Ordinal)
                    ? new SnowflakeBinding("TEXT", Cell)
                    : new SnowflakeBinding("FIXED", Cell),
                "real" or "float" or "double" => new SnowflakeBinding("REAL", Cell),
                "text" => new SnowflakeBinding("TEXT", Cell),
                "date" => new SnowflakeBinding("DATE", checked(long.Parse(Cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) * 86_400_000L).ToString(CultureInfo.InvariantCulture)),
                "time" => new SnowflakeBinding("TIME", Nanos(Cell)),
                "timestamp_ntz" => new SnowflakeBinding("TIMESTAMP_NTZ", Nanos(Cell)),
                "timestamp_ltz" => new SnowflakeBinding("TIMESTAMP_LTZ", Nanos(Cell)),
                "timestamp_tz" => new SnowflakeBinding("TIMESTAMP_TZ", TzNanos(Cell)),
                _ => throw new SourceException($"a {Type} column cannot be a watermark (use a number, text, date, time or timestamp column)"),
            };
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentOutOfRangeException)
        {
            throw new SourceException($"stored cursor of type {Type} is not valid; reset the stream's cursor", ex);
        }
    }

    private static string Nanos(string seconds) => SnowflakeEpochSeconds.Parse(seconds).ToNanosecondsText();

    // "<epoch seconds> <offset + 1440>" becomes "<epoch nanoseconds> <offset + 1440>".
    private static string TzNanos(string cell)
    {
        var space = cell.IndexOf(' ', StringComparison.Ordinal);
        return space < 0
            ? throw new FormatException("timestamp_tz cursor without an offset")
            : $"{Nanos(cell[..space])} {int.Parse(cell.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)}";
    }
}
