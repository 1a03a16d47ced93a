using System.Text.Json;
using Daedalus.Sources;
using Daedalus.Sources.Snowflake;

namespace Daedalus.Tests.Sources.Snowflake;

public sealed class SnowflakeValueDecoderTests
{
    [Theory]
    [InlineData("fixed", 0, ColumnType.Integer)]
    [InlineData("FIXED", 2, ColumnType.Decimal)]
    [InlineData("real", null, ColumnType.Double)]
    [InlineData("TEXT", null, ColumnType.Text)]
    [InlineData("boolean", null, ColumnType.Boolean)]
    [InlineData("date", null, ColumnType.Date)]
    [InlineData("time", 9, ColumnType.Time)]
    [InlineData("timestamp_ntz", 9, ColumnType.Timestamp)]
    [InlineData("TIMESTAMP_LTZ", 9, ColumnType.Timestamp)]
    [InlineData("timestamp_tz", 9, ColumnType.Timestamp)]
    [InlineData("binary", null, ColumnType.Text)]
    [InlineData("variant", null, ColumnType.Json)]
    [InlineData("OBJECT", null, ColumnType.Json)]
    [InlineData("array", null, ColumnType.Json)]
    public void Maps_row_types_case_insensitively(string type, int? scale, ColumnType expected) =>
        Assert.Equal(expected, SnowflakeValueDecoder.ColumnTypeOf(new SnowflakeColumn("C", type, scale)));

    [Fact]
    public void Decodes_numbers_without_dividing_by_scale()
    {
        Assert.Equal(-9_007_199_254_740_993L, SnowflakeValueDecoder.Decode(new("ID", "fixed", 0, 38), "-9007199254740993"));
        Assert.Equal(12345.67m, SnowflakeValueDecoder.Decode(new("AMOUNT", "fixed", 2, 12), "12345.67"));
        Assert.Equal(0.1, SnowflakeValueDecoder.Decode(new("R", "real"), "0.1"));
        Assert.Equal(1.5e-300, SnowflakeValueDecoder.Decode(new("R", "real"), "1.5e-300"));
        Assert.True(double.IsNaN((double)SnowflakeValueDecoder.Decode(new("R", "real"), "NaN")!));
        Assert.Equal(double.NegativeInfinity, SnowflakeValueDecoder.Decode(new("R", "real"), "-inf"));
    }

    [Fact]
    public void Decodes_booleans_text_binary_and_json()
    {
        Assert.Equal(true, SnowflakeValueDecoder.Decode(new("B", "BOOLEAN"), "true"));
        Assert.Equal(false, SnowflakeValueDecoder.Decode(new("B", "boolean"), "false"));
        Assert.Equal("it's \"text\"", SnowflakeValueDecoder.Decode(new("T", "text"), "it's \"text\""));
        Assert.Equal("0AFF00", SnowflakeValueDecoder.Decode(new("BIN", "binary"), "0AFF00"));
        Assert.Equal("""{"a":[1,2,{"b":null}]}""", SnowflakeValueDecoder.Decode(new("V", "variant"), """{"a":[1,2,{"b":null}]}"""));
        Assert.Equal("[1,2]", SnowflakeValueDecoder.Decode(new("A", "array"), "[1,2]"));
        Assert.Equal("\"just a string\"", SnowflakeValueDecoder.Decode(new("V", "variant"), "\"just a string\""));
    }

    [Fact]
    public void Decodes_dates_as_days_since_the_epoch()
    {
        Assert.Equal(new DateOnly(2020, 1, 1), SnowflakeValueDecoder.Decode(new("D", "date"), "18262"));
        Assert.Equal(new DateOnly(1970, 1, 1), SnowflakeValueDecoder.Decode(new("D", "date"), "0"));
        Assert.Equal(new DateOnly(1969, 12, 31), SnowflakeValueDecoder.Decode(new("D", "date"), "-1"));
    }

    [Fact]
    public void Decodes_times_as_seconds_since_midnight_with_fraction()
    {
        Assert.Equal(new TimeOnly(23, 2, 59), SnowflakeValueDecoder.Decode(new("T", "time", 0), "82979"));
        Assert.Equal(new TimeOnly(0, 0, 1, 500), SnowflakeValueDecoder.Decode(new("T", "time", 9), "1.500000000"));

        // Nanoseconds beyond .NET's 100 ns tick are truncated, never rounded up into the next tick.
        Assert.Equal(TimeOnly.FromTimeSpan(TimeSpan.FromTicks(36_000_000_000 + 1_234_567)), SnowflakeValueDecoder.Decode(new("T", "time", 9), "3600.123456789"));
    }

    [Fact]
    public void Decodes_ntz_and_ltz_timestamps_as_utc_instants()
    {
        var expected = new DateTimeOffset(2021, 3, 19, 17, 6, 59, TimeSpan.Zero);
        var ntz = (DateTimeOffset)SnowflakeValueDecoder.Decode(new("T", "timestamp_ntz", 9), "1616173619.000000000")!;
        var ltz = (DateTimeOffset)SnowflakeValueDecoder.Decode(new("T", "TIMESTAMP_LTZ", 9), "1616173619.250000000")!;
        Assert.Equal(expected, ntz);
        Assert.Equal(TimeSpan.Zero, ntz.Offset);
        Assert.Equal(expected.AddMilliseconds(250), ltz);
        Assert.Equal(new DateTimeOffset(1969, 12, 31, 23, 59, 58, 500, TimeSpan.Zero), SnowflakeValueDecoder.Decode(new("T", "timestamp_ntz", 9), "-1.500000000"));
    }

    [Theory]
    [InlineData("1616173619.000000000 1440", 0)]
    [InlineData("1616173619.000000000 1500", 60)]
    [InlineData("1616173619.000000000 1140", -300)]
    [InlineData("1616173619.000000000 1770", 330)]
    [InlineData("1616173619.000000000 2280", 840)]
    [InlineData("1616173619.000000000 720", -720)]
    public void Decodes_tz_timestamps_keeping_the_instant_whatever_the_offset(string cell, int offsetMinutes)
    {
        var value = (DateTimeOffset)SnowflakeValueDecoder.Decode(new("T", "timestamp_tz", 9), cell)!;

        // The epoch part is UTC; the offset (minutes + 1440) only says where it was written, so the instant is unchanged.
        Assert.Equal(new DateTimeOffset(2021, 3, 19, 17, 6, 59, TimeSpan.Zero), value);
        Assert.Equal(TimeSpan.Zero, value.Offset);
        Assert.InRange(offsetMinutes, -720, 840);
    }

    [Theory]
    [InlineData("fixed", 0)]
    [InlineData("fixed", 2)]
    [InlineData("real", null)]
    [InlineData("boolean", null)]
    [InlineData("date", null)]
    [InlineData("time", 9)]
    [InlineData("timestamp_tz", 9)]
    [InlineData("variant", null)]
    [InlineData("text", null)]
    public void Null_cells_are_null_for_every_type(string type, int? scale) =>
        Assert.Null(SnowflakeValueDecoder.Decode(new("C", type, scale), null));

    [Theory]
    [InlineData("fixed", 0, "99999999999999999999", "does not fit a 64-bit integer")]
    [InlineData("boolean", null, "maybe", "cannot decode")]
    [InlineData("timestamp_tz", 9, "1616173619.000000000", "cannot decode")]
    [InlineData("variant", null, "{not json", "cannot decode")]
    public void Bad_cells_fail_naming_the_column_but_not_the_value(string type, int? scale, string cell, string message)
    {
        var ex = Assert.ThrowsAny<SourceException>(() => SnowflakeValueDecoder.Decode(new("SECRET_COL", type, scale), cell));
        Assert.Contains("SECRET_COL", ex.Message, StringComparison.Ordinal);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(cell, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Watermarks_become_typed_bindings_in_the_SQL_API_wire_form()
    {
        Assert.Equal(new SnowflakeBinding("TIMESTAMP_NTZ", "1616173619123456789"), new SnowflakeWatermark("timestamp_ntz", "1616173619.123456789").ToBinding());
        Assert.Equal(new SnowflakeBinding("TIMESTAMP_LTZ", "-1500000000"), new SnowflakeWatermark("timestamp_ltz", "-1.500000000").ToBinding());
        Assert.Equal(new SnowflakeBinding("TIMESTAMP_TZ", "1616173619000000000 1500"), new SnowflakeWatermark("timestamp_tz", "1616173619.000000000 1500").ToBinding());
        Assert.Equal(new SnowflakeBinding("DATE", "1577836800000"), new SnowflakeWatermark("date", "18262").ToBinding());
        Assert.Equal(new SnowflakeBinding("TIME", "3600500000000"), new SnowflakeWatermark("time", "3600.500000000").ToBinding());
        Assert.Equal(new SnowflakeBinding("FIXED", "42"), new SnowflakeWatermark("fixed", "42").ToBinding());
        Assert.Equal(new SnowflakeBinding("TEXT", "12.50"), new SnowflakeWatermark("fixed", "12.50").ToBinding());
        Assert.Equal(new SnowflakeBinding("TEXT", "a:b"), SnowflakeWatermark.Parse("text:a:b").ToBinding());
        Assert.Equal("""{"type":"TIMESTAMP_NTZ","value":"1000000000"}""", JsonSerializer.Serialize(new SnowflakeWatermark("timestamp_ntz", "1.000000000").ToBinding()));
        Assert.Throws<SourceException>(() => SnowflakeWatermark.Parse("2026-01-01T00:00:00Z"));
    }
}
