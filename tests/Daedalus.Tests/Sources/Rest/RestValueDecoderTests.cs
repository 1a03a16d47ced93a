using System.Text.Json;
using Daedalus.Sources;
using Daedalus.Sources.Rest;

namespace Daedalus.Tests.Sources.Rest;

/// <summary>
/// REST values that cannot land as the API sent them: times finer than PostgreSQL's microseconds and strings that are
/// not valid Unicode. Each rejects its record (to quarantine, naming no value), never the page.
/// </summary>
public sealed class RestValueDecoderTests
{
    private static readonly StreamSchema Issues = new("issues", [new ColumnSchema("id", ColumnType.Integer), new ColumnSchema("title", ColumnType.Text), new ColumnSchema("at", ColumnType.Timestamp), new ColumnSchema("clock", ColumnType.Time)], ["id"], null);

    [Theory]
    [InlineData(ColumnType.Timestamp, "1969-07-20T20:17:40.0000001Z")]
    [InlineData(ColumnType.Timestamp, "2026-10-01T10:00:00.123456789+02:00")]
    [InlineData(ColumnType.Timestamp, "2026-10-01T10:00:00.00000001Z")]
    [InlineData(ColumnType.Time, "12:00:00.1234567")]
    [InlineData(ColumnType.Time, "23:59:59.9999999")]
    public void A_time_finer_than_microseconds_is_refused_not_rounded_by_npgsql(ColumnType type, string text)
    {
        using var cell = JsonDocument.Parse($"\"{text}\"");

        var problem = RestValueDecoder.Decode(type, cell.RootElement, out var value);

        Assert.NotNull(problem);
        Assert.Contains("microsecond", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(text, problem, StringComparison.Ordinal);
        Assert.Null(value);
    }

    [Theory]
    [InlineData(ColumnType.Timestamp, "1969-07-20T20:17:40.0000000Z", 0L)]
    [InlineData(ColumnType.Timestamp, "2026-10-01T10:00:00.1234560+02:00", 1_234_560L)]
    [InlineData(ColumnType.Time, "12:00:00.1234560", 1_234_560L)]
    [InlineData(ColumnType.Time, "12:00:00.123456", 1_234_560L)]
    public void Digits_past_the_microsecond_that_are_zero_are_fine(ColumnType type, string text, long fractionTicks)
    {
        using var cell = JsonDocument.Parse($"\"{text}\"");

        Assert.Null(RestValueDecoder.Decode(type, cell.RootElement, out var value));
        var ticks = value switch
        {
            DateTimeOffset instant => instant.UtcTicks,
            TimeOnly clock => clock.Ticks,
            _ => throw new InvalidOperationException($"decoded {value}"),
        };
        Assert.Equal(fractionTicks, ticks % TimeSpan.TicksPerSecond);
    }

    [Theory]
    [InlineData("title")]
    [InlineData("at")]
    [InlineData("clock")]
    [InlineData("id")]
    public void A_string_with_an_unpaired_surrogate_rejects_the_record_instead_of_failing_the_page(string field)
    {
        var decoder = new RestRecordDecoder("issues", Issues, null);
        using var record = JsonDocument.Parse($$"""{"id":7,"{{field}}":"cut emoji \ud83d"}""");

        var decoded = decoder.Decode(record.RootElement);

        Assert.NotNull(decoded.Rejected);
        Assert.Contains(field, decoded.Rejected, StringComparison.Ordinal);
        Assert.Contains("surrogate", decoded.Rejected, StringComparison.Ordinal);
    }

    [Fact]
    public void A_string_with_a_paired_surrogate_is_kept()
    {
        var decoder = new RestRecordDecoder("issues", Issues, null);
        using var record = JsonDocument.Parse("""{"id":7,"title":"emoji \ud83d\ude00"}""");

        var decoded = decoder.Decode(record.RootElement);

        Assert.Null(decoded.Rejected);
        Assert.Equal("emoji \U0001F600", decoded.Values[1]);
    }
}
