using System.Globalization;
using System.Text.Json;
using Daedalus.Sources;
using Daedalus.Sources.Snowflake;

namespace Daedalus.Tests.Sources.Snowflake;

/// <summary>
/// Cells as the SQL API's jsonv2 format writes them (docs: "Handling responses": every cell a string; fixed =
/// the decimal verbatim; date = days since the epoch; time/timestamps = seconds with 9 decimals; timestamp_tz =
/// "&lt;epoch&gt; &lt;offset + 1440&gt;"; binary = hex) at both ends of every type the plugin declares.
/// </summary>
public sealed class SnowflakeValueDecoderTests
{
    private const string IssueNumber = "1234567890123456789012345678.1234567890";
    private const string MaxNumber38 = "99999999999999999999999999999999999999";

    [Theory]
    [InlineData("fixed", 0, 18, ColumnType.Integer)]
    [InlineData("FIXED", 0, 1, ColumnType.Integer)]
    [InlineData("fixed", 0, 19, ColumnType.Decimal)]
    [InlineData("fixed", 0, 38, ColumnType.Decimal)]
    [InlineData("fixed", 0, null, ColumnType.Decimal)]
    [InlineData("FIXED", 2, 12, ColumnType.Decimal)]
    [InlineData("fixed", 37, 38, ColumnType.Decimal)]
    [InlineData("DECFLOAT", null, 38, ColumnType.Decimal)]
    [InlineData("real", null, null, ColumnType.Double)]
    [InlineData("TEXT", null, null, ColumnType.Text)]
    [InlineData("boolean", null, null, ColumnType.Boolean)]
    [InlineData("date", null, null, ColumnType.Date)]
    [InlineData("time", 9, null, ColumnType.Time)]
    [InlineData("timestamp_ntz", 9, null, ColumnType.Timestamp)]
    [InlineData("TIMESTAMP_LTZ", 9, null, ColumnType.Timestamp)]
    [InlineData("timestamp_tz", 9, null, ColumnType.Timestamp)]
    [InlineData("binary", null, null, ColumnType.Text)]
    [InlineData("variant", null, null, ColumnType.Json)]
    [InlineData("OBJECT", null, null, ColumnType.Json)]
    [InlineData("array", null, null, ColumnType.Json)]
    public void Maps_row_types_case_insensitively(string type, int? scale, int? precision, ColumnType expected) =>
        Assert.Equal(expected, SnowflakeValueDecoder.ColumnTypeOf(new SnowflakeColumn("C", type, scale, precision)));

    [Fact]
    public void Keeps_every_digit_of_a_NUMBER_38_10()
    {
        // Issue 11: decimal.Parse rounded this to 28 digits.
        var value = SnowflakeValueDecoder.Decode(new("AMOUNT", "fixed", 10, 38), IssueNumber);

        Assert.Equal(new NumericText(IssueNumber), value);
        Assert.Equal(new NumericText("-" + IssueNumber), SnowflakeValueDecoder.Decode(new("AMOUNT", "fixed", 10, 38), "-" + IssueNumber));
    }

    [Theory]
    [InlineData(MaxNumber38)]
    [InlineData("-" + MaxNumber38)]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    public void NUMBER_38_0_values_beyond_64_bits_land_exactly_instead_of_failing(string cell)
    {
        var value = SnowflakeValueDecoder.Decode(new("ID", "fixed", 0, 38), cell);

        Assert.Equal(cell, value switch
        {
            NumericText text => text.Value,
            decimal number => number.ToString(CultureInfo.InvariantCulture),
            _ => throw new Xunit.Sdk.XunitException($"unexpected {value?.GetType()}"),
        });
    }

    [Fact]
    public void Decodes_numbers_without_dividing_by_scale()
    {
        Assert.Equal(-9_007_199_254_740_993m, SnowflakeValueDecoder.Decode(new("ID", "fixed", 0, 38), "-9007199254740993"));
        Assert.Equal(999_999_999_999_999_999L, SnowflakeValueDecoder.Decode(new("QTY", "fixed", 0, 18), "999999999999999999"));
        Assert.Equal(-999_999_999_999_999_999L, SnowflakeValueDecoder.Decode(new("QTY", "fixed", 0, 18), "-999999999999999999"));
        Assert.Equal(12345.67m, SnowflakeValueDecoder.Decode(new("AMOUNT", "fixed", 2, 12), "12345.67"));

        // The scale is part of the value: 12.50 stays 12.50.
        Assert.Equal("12.50", ((decimal)SnowflakeValueDecoder.Decode(new("AMOUNT", "fixed", 2, 12), "12.50")!).ToString(CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("9.9999999999999999999999999999999999999")]
    [InlineData("-9.9999999999999999999999999999999999999")]
    [InlineData("0.0000000000000000000000000000000000001")]
    public void NUMBER_38_37_keeps_all_37_decimals(string cell) =>
        Assert.Equal(new NumericText(cell), SnowflakeValueDecoder.Decode(new("RATIO", "fixed", 37, 38), cell));

    [Fact]
    public void A_negative_scale_is_still_an_exact_decimal()
    {
        // Snowflake's NUMBER scale is 0..37; a negative one (other systems' "round to hundreds") is handled the same way.
        Assert.Equal(ColumnType.Decimal, SnowflakeValueDecoder.ColumnTypeOf(new("C", "fixed", -2, 38)));
        Assert.Equal(1200m, SnowflakeValueDecoder.Decode(new("C", "fixed", -2, 38), "1200"));
        Assert.Equal(new NumericText("12" + new string('0', 36)), SnowflakeValueDecoder.Decode(new("C", "fixed", -2, 38), "12" + new string('0', 36)));
    }

    [Fact]
    public void Decfloat_keeps_38_digits_plain_or_in_exponent_form()
    {
        var column = new SnowflakeColumn("D", "decfloat");

        Assert.Equal(new NumericText("12345678901234567890123456789012345678"), SnowflakeValueDecoder.Decode(column, "12345678901234567890123456789012345678"));
        Assert.Equal(new NumericText("12345678901234567890123456789012345678000"), SnowflakeValueDecoder.Decode(column, "1.2345678901234567890123456789012345678E+40"));
        Assert.Equal(new NumericText("0." + new string('0', 39) + "12"), SnowflakeValueDecoder.Decode(column, "1.2E-40"));
        Assert.Equal(1.5m, SnowflakeValueDecoder.Decode(column, "1.5"));
        Assert.Equal(new NumericText("0." + new string('0', 16382) + "1"), SnowflakeValueDecoder.Decode(column, "1E-16383"));
    }

    [Theory]
    [InlineData("1.5E-16383")]
    [InlineData("NaN")]
    public void Decfloat_past_PostgreSQL_numeric_is_refused_naming_the_column(string cell)
    {
        var ex = Assert.Throws<SourceException>(() => SnowflakeValueDecoder.Decode(new("SECRET_COL", "decfloat"), cell));

        Assert.Contains("SECRET_COL", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(cell, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decodes_floats_including_the_special_values_Snowflake_writes()
    {
        var column = new SnowflakeColumn("R", "real");
        Assert.Equal(0.1, SnowflakeValueDecoder.Decode(column, "0.1"));
        Assert.Equal(1.5e-300, SnowflakeValueDecoder.Decode(column, "1.5e-300"));
        Assert.Equal(double.MaxValue, SnowflakeValueDecoder.Decode(column, "1.7976931348623157e+308"));
        Assert.Equal(-double.Epsilon, SnowflakeValueDecoder.Decode(column, "-4.9e-324"));
        Assert.Equal(9_007_199_254_740_992.0, SnowflakeValueDecoder.Decode(column, "9007199254740992"));
        Assert.True(double.IsNaN((double)SnowflakeValueDecoder.Decode(column, "NaN")!));
        Assert.Equal(double.PositiveInfinity, SnowflakeValueDecoder.Decode(column, "inf"));
        Assert.Equal(double.NegativeInfinity, SnowflakeValueDecoder.Decode(column, "-inf"));

        // A finite number past double's range would otherwise come out as infinity: a different value.
        Assert.Throws<SourceException>(() => SnowflakeValueDecoder.Decode(column, "1e309"));
    }

    [Fact]
    public void Decodes_booleans_text_binary_and_json()
    {
        Assert.Equal(true, SnowflakeValueDecoder.Decode(new("B", "BOOLEAN"), "true"));
        Assert.Equal(false, SnowflakeValueDecoder.Decode(new("B", "boolean"), "false"));
        Assert.Equal("it's \"text\"", SnowflakeValueDecoder.Decode(new("T", "text"), "it's \"text\""));
        Assert.Equal("Ünïcode – 日本語 🎉 \u0001", SnowflakeValueDecoder.Decode(new("T", "TEXT"), "Ünïcode – 日本語 🎉 \u0001"));
        Assert.Equal("", SnowflakeValueDecoder.Decode(new("T", "text"), ""));
        Assert.Equal("0AFF00", SnowflakeValueDecoder.Decode(new("BIN", "binary"), "0AFF00"));
        Assert.Equal("""{"a":[1,2,{"b":null}]}""", SnowflakeValueDecoder.Decode(new("V", "variant"), """{"a":[1,2,{"b":null}]}"""));
        Assert.Equal("{\n  \"k\": \"ü\"\n}", SnowflakeValueDecoder.Decode(new("O", "object"), "{\n  \"k\": \"ü\"\n}"));
        Assert.Equal("[1,2]", SnowflakeValueDecoder.Decode(new("A", "array"), "[1,2]"));
        Assert.Equal("[]", SnowflakeValueDecoder.Decode(new("A", "ARRAY"), "[]"));
        Assert.Equal("\"just a string\"", SnowflakeValueDecoder.Decode(new("V", "variant"), "\"just a string\""));
        Assert.Equal("12345678901234567890123456789", SnowflakeValueDecoder.Decode(new("V", "variant"), "12345678901234567890123456789"));
    }

    [Fact]
    public void Text_with_U_0000_is_refused_naming_the_column_because_PostgreSQL_text_cannot_hold_it()
    {
        var ex = Assert.Throws<SourceException>(() => SnowflakeValueDecoder.Decode(new("SECRET_COL", "text"), "a\0b"));

        Assert.Contains("SECRET_COL", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("a\0b", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("18262", 2020, 1, 1)]
    [InlineData("0", 1970, 1, 1)]
    [InlineData("-1", 1969, 12, 31)]
    [InlineData("2932896", 9999, 12, 31)]
    [InlineData("-719162", 1, 1, 1)]
    [InlineData("-141427", 1582, 10, 15)]
    public void Decodes_dates_as_days_since_the_epoch(string cell, int year, int month, int day) =>
        Assert.Equal(new DateOnly(year, month, day), SnowflakeValueDecoder.Decode(new("D", "date"), cell));

    [Theory]
    [InlineData("2932897")]
    [InlineData("-719163")]
    [InlineData("2147483647")]
    [InlineData("-2147483648")]
    [InlineData("99999999999999999999")]
    public void Dates_outside_0001_to_9999_are_refused_naming_the_column(string cell)
    {
        var ex = Assert.Throws<SourceException>(() => SnowflakeValueDecoder.Decode(new("SECRET_COL", "date"), cell));

        Assert.Contains("SECRET_COL", ex.Message, StringComparison.Ordinal);
        Assert.Contains("out of the range", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(cell, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decodes_times_as_seconds_since_midnight_exactly_to_the_microsecond()
    {
        Assert.Equal(new TimeOnly(23, 2, 59), SnowflakeValueDecoder.Decode(new("T", "time", 0), "82979"));
        Assert.Equal(new TimeOnly(0, 0, 1, 500), SnowflakeValueDecoder.Decode(new("T", "time", 9), "1.500000000"));
        Assert.Equal(TimeOnly.MinValue, SnowflakeValueDecoder.Decode(new("T", "time", 9), "0.000000000"));
        Assert.Equal(new TimeOnly(1, 0, 0, 123, 456), SnowflakeValueDecoder.Decode(new("T", "time", 3), "3600.123456"));
        Assert.Equal(new TimeOnly(23, 59, 59, 999, 999), SnowflakeValueDecoder.Decode(new("T", "time", 9), "86399.999999000"));
    }

    [Theory]
    [InlineData("time", "3600.123456789")]
    [InlineData("time", "86399.999999999")]
    [InlineData("timestamp_ntz", "-14182940.999999900")]
    [InlineData("timestamp_ltz", "1616173619.000000001")]
    [InlineData("timestamp_tz", "1616173619.123456700 1440")]
    public void Times_and_timestamps_finer_than_microseconds_are_refused_not_truncated(string type, string cell)
    {
        // PostgreSQL keeps microseconds: cutting the nanoseconds would land a different value than Snowflake holds.
        var ex = Assert.Throws<SourceException>(() => SnowflakeValueDecoder.Decode(new("SECRET_COL", type, 9), cell));

        Assert.Contains("SECRET_COL", ex.Message, StringComparison.Ordinal);
        Assert.Contains("microsecond", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(cell.Split(' ')[0], ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("86400.000000000")]
    [InlineData("-1.000000000")]
    [InlineData("1.0000000000")]
    [InlineData("1.5e3")]
    public void Times_outside_a_day_or_not_in_the_wire_form_are_refused(string cell) =>
        Assert.Contains("SECRET_COL", Assert.Throws<SourceException>(() => SnowflakeValueDecoder.Decode(new("SECRET_COL", "time", 9), cell)).Message, StringComparison.Ordinal);

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
        Assert.Equal(expected, SnowflakeValueDecoder.Decode(new("T", "timestamp_ntz", 0), "1616173619"));
    }

    [Theory]
    [InlineData("timestamp_ntz", "253402300799.999999000", "9999-12-31T23:59:59.9999990+00:00")]
    [InlineData("timestamp_ltz", "253402300799.999999000", "9999-12-31T23:59:59.9999990+00:00")]
    [InlineData("timestamp_ntz", "253402300799", "9999-12-31T23:59:59.0000000+00:00")]
    [InlineData("timestamp_ntz", "-62135596800.000000000", "0001-01-01T00:00:00.0000000+00:00")]
    [InlineData("timestamp_ltz", "-62135596799.999999000", "0001-01-01T00:00:00.0000010+00:00")]
    [InlineData("timestamp_ntz", "9223372036.854775000", "2262-04-11T23:47:16.8547750+00:00")]
    [InlineData("timestamp_ntz", "-9223372036.854776000", "1677-09-21T00:12:43.1452240+00:00")]
    [InlineData("timestamp_ntz", "-1.234567000", "1969-12-31T23:59:58.7654330+00:00")]
    [InlineData("timestamp_ntz", "0.000001000", "1970-01-01T00:00:00.0000010+00:00")]
    [InlineData("timestamp_ntz", "-0.000001000", "1969-12-31T23:59:59.9999990+00:00")]
    [InlineData("timestamp_tz", "253402300799.999999000 2280", "9999-12-31T23:59:59.9999990+00:00")]
    [InlineData("timestamp_tz", "253402300799.999999000 720", "9999-12-31T23:59:59.9999990+00:00")]
    [InlineData("timestamp_tz", "-62135596800.000000000 1440", "0001-01-01T00:00:00.0000000+00:00")]
    public void Timestamps_at_both_ends_decode_exactly_to_the_microsecond(string type, string cell, string expected)
    {
        // Exact to the microsecond at both ends, also before 1970 (digits past the microsecond are zero).
        var value = (DateTimeOffset)SnowflakeValueDecoder.Decode(new("T", type, 9), cell)!;

        Assert.Equal(expected, value.ToString("O", CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("timestamp_ntz", "253402300800.000000000")]
    [InlineData("timestamp_ltz", "-62135596800.000000001")]
    [InlineData("timestamp_ntz", "99999999999999999999")]
    [InlineData("timestamp_tz", "253402300800.000000000 1440")]
    [InlineData("timestamp_ntz", "1616173619.1234567890")]
    [InlineData("timestamp_ntz", "1616173619.")]
    [InlineData("timestamp_ntz", "+1616173619")]
    public void Timestamps_outside_0001_to_9999_or_not_in_the_wire_form_are_refused_naming_the_column(string type, string cell)
    {
        var ex = Assert.Throws<SourceException>(() => SnowflakeValueDecoder.Decode(new("SECRET_COL", type, 9), cell));

        Assert.Contains("SECRET_COL", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(cell.Split(' ')[0], ex.Message, StringComparison.Ordinal);
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
    [InlineData("decfloat", null)]
    [InlineData("real", null)]
    [InlineData("boolean", null)]
    [InlineData("date", null)]
    [InlineData("time", 9)]
    [InlineData("timestamp_tz", 9)]
    [InlineData("variant", null)]
    [InlineData("binary", null)]
    [InlineData("text", null)]
    public void Null_cells_are_null_for_every_type(string type, int? scale) =>
        Assert.Null(SnowflakeValueDecoder.Decode(new("C", type, scale), null));

    [Theory]
    [InlineData("fixed", 0, 18, "9999999999999999999", "out of the range")]
    [InlineData("fixed", 10, 38, "12.5abc", "cannot decode")]
    [InlineData("boolean", null, null, "maybe", "cannot decode")]
    [InlineData("timestamp_tz", 9, null, "1616173619.000000000", "cannot decode")]
    [InlineData("variant", null, null, "{not json", "cannot decode")]
    public void Bad_cells_fail_naming_the_column_but_not_the_value(string type, int? scale, int? precision, string cell, string message)
    {
        var ex = Assert.ThrowsAny<SourceException>(() => SnowflakeValueDecoder.Decode(new("SECRET_COL", type, scale, precision), cell));
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
        Assert.Equal(new SnowflakeBinding("FIXED", MaxNumber38), new SnowflakeWatermark("fixed", MaxNumber38).ToBinding());
        Assert.Equal(new SnowflakeBinding("TEXT", "12.50"), new SnowflakeWatermark("fixed", "12.50").ToBinding());
        Assert.Equal(new SnowflakeBinding("TEXT", "a:b"), SnowflakeWatermark.Parse("text:a:b").ToBinding());
        Assert.Equal("""{"type":"TIMESTAMP_NTZ","value":"1000000000"}""", JsonSerializer.Serialize(new SnowflakeWatermark("timestamp_ntz", "1.000000000").ToBinding()));
        Assert.Throws<SourceException>(() => SnowflakeWatermark.Parse("2026-01-01T00:00:00Z"));
    }

    [Theory]
    [InlineData("timestamp_ntz", "253402300799.999999000", "TIMESTAMP_NTZ", "253402300799999999000")]
    [InlineData("timestamp_ntz", "253402300799.999999999", "TIMESTAMP_NTZ", "253402300799999999999")]
    [InlineData("timestamp_ltz", "253402300799.999999000", "TIMESTAMP_LTZ", "253402300799999999000")]
    [InlineData("timestamp_ntz", "-62135596800.000000000", "TIMESTAMP_NTZ", "-62135596800000000000")]
    [InlineData("timestamp_ltz", "-62135596799.999999999", "TIMESTAMP_LTZ", "-62135596799999999999")]
    [InlineData("timestamp_ntz", "9223372036.854775808", "TIMESTAMP_NTZ", "9223372036854775808")]
    [InlineData("timestamp_ntz", "-0.000000001", "TIMESTAMP_NTZ", "-1")]
    [InlineData("timestamp_tz", "253402300799.999999000 2280", "TIMESTAMP_TZ", "253402300799999999000 2280")]
    [InlineData("timestamp_tz", "-62135596800.000000000 720", "TIMESTAMP_TZ", "-62135596800000000000 720")]
    [InlineData("time", "86399.999999999", "TIME", "86399999999999")]
    [InlineData("date", "2932896", "DATE", "253402214400000")]
    [InlineData("date", "-719162", "DATE", "-62135596800000")]
    public void Watermarks_at_both_ends_bind_back_every_digit(string type, string cell, string bindType, string bindValue) =>
        Assert.Equal(new SnowflakeBinding(bindType, bindValue), SnowflakeWatermark.Parse($"{type}:{cell}").ToBinding());

    [Theory]
    [InlineData("timestamp_ntz:1616173619.1234567890")]
    [InlineData("timestamp_tz:1616173619.000000000")]
    [InlineData("date:99999999999999999")]
    public void A_stored_watermark_that_is_not_in_the_wire_form_asks_for_a_reset(string cursor) =>
        Assert.Contains("reset the stream's cursor", Assert.Throws<SourceException>(() => SnowflakeWatermark.Parse(cursor).ToBinding()).Message, StringComparison.Ordinal);
}
