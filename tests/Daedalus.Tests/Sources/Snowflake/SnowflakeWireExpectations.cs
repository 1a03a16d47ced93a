using System.Globalization;

namespace Daedalus.Tests.Sources.Snowflake;

/// <summary>
/// The test side's own jsonv2 encoder and binding rules, written from the SQL API docs independently of the
/// plugin's decoder, so fixtures are typed values and the wire cells are derived from them.
/// </summary>
public static class SnowflakeWireExpectations
{
    public static string Fixed(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Fixed(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Real(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Boolean(bool value) => value ? "true" : "false";

    public static string Date(DateOnly value) => (value.DayNumber - new DateOnly(1970, 1, 1).DayNumber).ToString(CultureInfo.InvariantCulture);

    public static string Time(TimeOnly value) => Seconds(value.ToTimeSpan().Ticks);

    /// <summary>timestamp_ntz / timestamp_ltz: epoch seconds with 9 decimals.</summary>
    public static string Timestamp(DateTimeOffset value) => Seconds(value.UtcTicks - DateTime.UnixEpoch.Ticks);

    /// <summary>timestamp_tz: UTC epoch seconds, a space, the offset in minutes plus 1440.</summary>
    public static string TimestampTz(DateTimeOffset value) =>
        $"{Timestamp(value)} {(int)value.Offset.TotalMinutes + 1440}";

    public static string Binary(byte[] value) => Convert.ToHexString(value);

    public static string BindingType(string columnType) => columnType.ToUpperInvariant() switch
    {
        "FIXED" => "FIXED",
        "TIMESTAMP_NTZ" => "TIMESTAMP_NTZ",
        "TIMESTAMP_LTZ" => "TIMESTAMP_LTZ",
        "TIMESTAMP_TZ" => "TIMESTAMP_TZ",
        "DATE" => "DATE",
        _ => "TEXT",
    };

    /// <summary>A bound value as a comparable number: nanoseconds for timestamps, milliseconds for dates.</summary>
    public static decimal BindingKey(string columnType, string value) =>
        decimal.Parse(value.Split(' ')[0], CultureInfo.InvariantCulture);

    public static decimal CellKey(string columnType, string cell) => columnType.ToUpperInvariant() switch
    {
        "TIMESTAMP_NTZ" or "TIMESTAMP_LTZ" or "TIMESTAMP_TZ" => decimal.Parse(cell.Split(' ')[0], CultureInfo.InvariantCulture) * 1_000_000_000m,
        "DATE" => decimal.Parse(cell, CultureInfo.InvariantCulture) * 86_400_000m,
        _ => decimal.Parse(cell, CultureInfo.InvariantCulture),
    };

    private static string Seconds(long ticks) =>
        (ticks / (decimal)TimeSpan.TicksPerSecond).ToString("0.000000000", CultureInfo.InvariantCulture);
}
