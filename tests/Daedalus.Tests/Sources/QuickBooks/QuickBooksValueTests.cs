using System.Globalization;
using System.Text.Json;
using Daedalus.Sources;
using Daedalus.Sources.QuickBooks;

namespace Daedalus.Tests.Sources.QuickBooks;

/// <summary>
/// The QuickBooks value decoders at their edges, on entities shaped like the API's own examples (amounts as JSON
/// numbers, TxnDate "yyyy-MM-dd", MetaData times with the company's offset, the root "time" with milliseconds).
/// A value lands exactly or the row is refused naming the field, never quoting the value.
/// </summary>
public sealed class QuickBooksValueTests
{
    private static readonly QuickBooksEntity Invoice = QuickBooksEntity.ByStream["invoice"];
    private static readonly QuickBooksEntity Item = QuickBooksEntity.ByStream["item"];
    private static readonly QuickBooksEntity Account = QuickBooksEntity.ByStream["account"];

    public static TheoryData<string, string> Amounts => new()
    {
        // Wider than System.Decimal's 28-29 digits: GetDecimal would round it silently.
        { "12345678901234567890123456789.99", "12345678901234567890123456789.99" },
        { "-98765432109876543210987654321098765.4321", "-98765432109876543210987654321098765.4321" },
        { "0.000000000000000000000000000001", "0.000000000000000000000000000001" },
        { "1.00000000000000000000000000000001", "1.00000000000000000000000000000001" },
    };

    [Theory]
    [MemberData(nameof(Amounts))]
    public void Amounts_beyond_system_decimal_keep_every_digit(string json, string expected)
    {
        var value = Value(Invoice, "total_amt", Entity($"\"TotalAmt\": {json}"));

        Assert.Equal(new NumericText(expected), value);
    }

    [Theory]
    [InlineData("-1201.00", "-1201.00")]
    [InlineData("99999999999.99", "99999999999.99")]
    [InlineData("0", "0")]
    [InlineData("-0.01", "-0.01")]
    [InlineData("1.5E+3", "1500")]
    public void Ordinary_and_negative_amounts_are_decimals_with_their_scale(string json, string expected)
    {
        var value = Value(Account, "current_balance", Entity($"\"CurrentBalance\": {json}"));

        var number = Assert.IsType<decimal>(value);
        Assert.Equal(expected, number.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_unit_price_with_seven_decimals_is_exact()
    {
        // QuickBooks keeps up to 7 decimal places in unit prices and quantities.
        var item = Entity("\"UnitPrice\": 0.1234567, \"QtyOnHand\": 12345678.1234567");

        Assert.Equal(0.1234567m, Value(Item, "unit_price", item));
        Assert.Equal("12345678.1234567", ((decimal)Value(Item, "qty_on_hand", item)!).ToString(CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("2026-10-01", 2026, 10, 1)]
    [InlineData("9999-12-31", 9999, 12, 31)]
    [InlineData("0001-01-01", 1, 1, 1)]
    [InlineData("2024-02-29", 2024, 2, 29)]
    [InlineData("2026-10-01Z", 2026, 10, 1)]
    [InlineData("2026-10-01-07:00", 2026, 10, 1)]
    public void Dates_are_the_calendar_day_as_written(string text, int year, int month, int day)
    {
        Assert.Equal(new DateOnly(year, month, day), Value(Invoice, "txn_date", Entity($"\"TxnDate\": \"{text}\"")));
    }

    [Theory]
    [InlineData("2015-07-24T10:33:39-07:00", "2015-07-24T17:33:39.0000000+00:00")]
    [InlineData("2015-07-24T10:33:39.049-07:00", "2015-07-24T17:33:39.0490000+00:00")]
    [InlineData("2015-07-24T10:33:39.1234560+05:30", "2015-07-24T05:03:39.1234560+00:00")]
    [InlineData("1969-07-20T20:17:40.0000000Z", "1969-07-20T20:17:40.0000000+00:00")]
    [InlineData("2015-07-24T17:33:39Z", "2015-07-24T17:33:39.0000000+00:00")]
    [InlineData("9999-12-31T23:59:59Z", "9999-12-31T23:59:59.0000000+00:00")]
    [InlineData("9999-12-31T23:59:59+05:00", "9999-12-31T18:59:59.0000000+00:00")]
    public void Times_with_an_offset_are_the_same_instant_in_utc(string text, string expected)
    {
        var value = Value(Invoice, "last_updated_time", Entity("", lastUpdated: text));

        var time = Assert.IsType<DateTimeOffset>(value);
        Assert.Equal(TimeSpan.Zero, time.Offset);
        Assert.Equal(expected, time.ToString("O", CultureInfo.InvariantCulture));
    }

    public static TheoryData<string, string, string> Refused => new()
    {
        { "\"TxnDate\": \"2026-13-01\"", "TxnDate", "2026-13-01" },
        { "\"TxnDate\": \"10/01/2026\"", "TxnDate", "10/01/2026" },
        { "\"TxnDate\": \"2026-10-01T00:00:00\"", "TxnDate", "2026-10-01T00:00:00" },
        { "\"DueDate\": 20261001", "DueDate", "20261001" },
        { "\"TotalAmt\": \"12,50\"", "TotalAmt", "12,50" },
        { "\"TotalAmt\": \"NaN\"", "TotalAmt", "NaN" },
        { "\"Balance\": true", "Balance", "true" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_value_that_is_not_what_the_field_holds_is_refused_naming_the_field_not_the_value(string field, string path, string value)
    {
        // Refused = the row goes to quarantine with this reason; the stream goes on.
        var reason = Invoice.ToRecord(Entity(field)).Rejected;

        Assert.NotNull(reason);
        Assert.Contains(path, reason, StringComparison.Ordinal);
        Assert.DoesNotContain(value, reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2015-07-24T10:33:39")]
    [InlineData("July 24, 2015 10:33")]
    [InlineData("2015-07-24 10:33:39-07:00")]
    [InlineData("2015-07-24T10:33:39.12345678-07:00")]
    [InlineData("9999-12-31T23:59:59-07:00")]
    [InlineData("0001-01-01T00:00:00+07:00")]
    public void A_time_without_an_offset_or_outside_the_range_is_refused_naming_the_field_not_the_value(string text)
    {
        var reason = Invoice.ToRecord(Entity("", lastUpdated: text)).Rejected;

        Assert.NotNull(reason);
        Assert.Contains("MetaData.LastUpdatedTime", reason, StringComparison.Ordinal);
        Assert.Contains("last_updated_time", reason, StringComparison.Ordinal);
        Assert.DoesNotContain(text, reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1969-07-20T20:17:40.0000001Z")]
    [InlineData("2015-07-24T10:33:39.1234567-07:00")]
    public void A_time_finer_than_microseconds_is_refused_not_rounded_by_npgsql(string text)
    {
        // PostgreSQL keeps microseconds; Npgsql would land 1969-07-20T20:17:40.000001 for the first.
        var reason = Invoice.ToRecord(Entity("", lastUpdated: text)).Rejected;

        Assert.NotNull(reason);
        Assert.Contains("MetaData.LastUpdatedTime", reason, StringComparison.Ordinal);
        Assert.Contains("microsecond", reason, StringComparison.Ordinal);
        Assert.DoesNotContain(text, reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-01-01T00:00:00")]
    [InlineData("not a time")]
    [InlineData("cut \\ud83d")]
    public void An_unreadable_LastUpdatedTime_quarantines_its_entity_and_is_no_watermark(string text)
    {
        using var doc = JsonDocument.Parse($$$"""{"Id":"3","SyncToken":"0","MetaData":{"CreateTime":"2026-01-01T00:00:00-08:00","LastUpdatedTime":"{{{text}}}"}}""");

        Assert.NotNull(Invoice.ToRecord(doc.RootElement).Rejected);

        // The read loop asks for the watermark outside the per-entity catch: it must not throw there.
        Assert.Null(QuickBooksEntity.LastUpdated(doc.RootElement));
    }

    [Fact]
    public void A_readable_LastUpdatedTime_is_the_watermark()
    {
        Assert.Equal(new DateTimeOffset(2015, 7, 24, 17, 33, 39, TimeSpan.Zero), QuickBooksEntity.LastUpdated(Entity("")));
    }

    [Fact]
    public void A_deleted_cdc_entry_with_an_unreadable_LastUpdatedTime_is_quarantined_not_thrown()
    {
        using var doc = JsonDocument.Parse("""{"Id":"3","status":"Deleted","MetaData":{"LastUpdatedTime":"2026-01-01T00:00:00"}}""");

        var record = Invoice.ToDeletedRecord(doc.RootElement, DateTimeOffset.UnixEpoch);

        Assert.True(record.IsDeleted);
        Assert.NotNull(record.Rejected);
    }

    [Fact]
    public void A_text_field_with_an_unpaired_surrogate_quarantines_its_entity()
    {
        using var doc = JsonDocument.Parse("""{"Id":"1","SyncToken":"0","DisplayName":"cut \ud83d","MetaData":{"CreateTime":"2026-01-01T00:00:00-08:00","LastUpdatedTime":"2026-01-01T00:00:00-08:00"}}""");

        var reason = QuickBooksEntity.ByStream["customer"].ToRecord(doc.RootElement).Rejected;

        Assert.NotNull(reason);
        Assert.Contains("DisplayName", reason, StringComparison.Ordinal);
    }

    /// <summary>An entity as the API documents it, with <paramref name="fields"/> added.</summary>
    private static JsonElement Entity(string fields, string lastUpdated = "2015-07-24T10:33:39-07:00")
    {
        var extra = fields.Length == 0 ? "" : fields + ",";
        var json = $$"""
            {{{extra}}
              "domain": "QBO", "sparse": false, "Id": "130", "SyncToken": "0",
              "MetaData": { "CreateTime": "2015-07-24T10:33:39-07:00", "LastUpdatedTime": "{{lastUpdated}}" },
              "CurrencyRef": { "value": "USD", "name": "United States Dollar" }
            }
            """;
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    private static object? Value(QuickBooksEntity entity, string column, JsonElement item)
    {
        var index = entity.Columns.Select(c => c.Name).ToList().IndexOf(column);
        Assert.True(index >= 0, column);
        return entity.ToRecord(item).Values[index];
    }
}
