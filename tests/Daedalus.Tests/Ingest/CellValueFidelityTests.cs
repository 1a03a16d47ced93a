using System.Globalization;
using System.Text.Json;
using Daedalus.Batching;
using Daedalus.Configuration;
using Daedalus.Ingest;
using Daedalus.Security;
using Daedalus.Sources;
using Daedalus.Sources.Snowflake;

namespace Daedalus.Tests.Ingest;

/// <summary>
/// Values that must become text (protected columns, QA rules) keep every part of the value; non-finite doubles and
/// half characters (unpaired surrogates) quarantine their row or travel the queue, never fail the batch. Pure.
/// </summary>
public sealed class CellValueFidelityTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("daedalus-cells").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Encrypted_temporal_and_double_columns_decrypt_to_the_value_that_was_read()
    {
        var at = new DateTimeOffset(2026, 11, 30, 1, 2, 3, TimeSpan.Zero).AddTicks(4_567_890);
        var clock = new TimeOnly(13, 45, 30, 250);
        var (prepared, protector) = await PrepareAsync(
            [new("id", ColumnType.Integer), new("at", ColumnType.Timestamp), new("clock", ColumnType.Time), new("day", ColumnType.Date), new("ratio", ColumnType.Double), new("whole", ColumnType.Time)],
            new() { ["at"] = ProtectionMode.Encrypt, ["clock"] = ProtectionMode.Encrypt, ["day"] = ProtectionMode.Encrypt, ["ratio"] = ProtectionMode.Encrypt, ["whole"] = ProtectionMode.Encrypt },
            [1L, at, clock, new DateOnly(1, 1, 1), 0.1 + 0.2, new TimeOnly(13, 45, 30)]);

        var row = Assert.Single(prepared.Rows);
        async Task<string> Plain(int column) => await protector.DecryptAsync((string)row.Values[column]!, CancellationToken.None);

        // Before: "11/30/2026 01:02:03 +00:00" (fraction gone), "13:45" (seconds gone), "01/01/0001".
        Assert.Equal("2026-11-30T01:02:03.456789Z", await Plain(1));
        Assert.Equal("13:45:30.25", await Plain(2));
        Assert.Equal("0001-01-01", await Plain(3));
        Assert.Equal("0.30000000000000004", await Plain(4));
        Assert.Equal("13:45:30", await Plain(5));
    }

    [Fact]
    public async Task Hashed_timestamps_that_differ_below_the_second_hash_differently_and_one_instant_hashes_alike_at_any_offset()
    {
        var first = new DateTimeOffset(2026, 11, 30, 1, 2, 3, 100, TimeSpan.Zero);
        var (prepared, _) = await PrepareAsync(
            [new("id", ColumnType.Integer), new("at", ColumnType.Timestamp)],
            new() { ["at"] = ProtectionMode.Hash },
            [1L, first],
            [2L, first.AddMilliseconds(800)],
            [3L, first.ToOffset(TimeSpan.FromHours(-5))]);

        Assert.NotEqual(prepared.Rows[0].Values[1], prepared.Rows[1].Values[1]);
        Assert.Equal(prepared.Rows[0].Values[1], prepared.Rows[2].Values[1]);
    }

    [Fact]
    public void Qa_rules_see_dates_timestamps_and_times_as_ISO_text()
    {
        var schema = new StreamSchema("t", [new("id", ColumnType.Integer), new("day", ColumnType.Date), new("at", ColumnType.Timestamp), new("clock", ColumnType.Time)], ["id"], null);
        var day = QaRule.Bind(new QaRuleDefinition { Column = "day", Rule = "matches", Pattern = @"^\d{4}-\d{2}-\d{2}$" }, schema);
        var at = QaRule.Bind(new QaRuleDefinition { Column = "at", Rule = "matches", Pattern = @"^2026-11-30T06:02:03Z$" }, schema);
        var clock = QaRule.Bind(new QaRuleDefinition { Column = "clock", Rule = "one_of", Values = ["09:30:00.5"] }, schema);
        object?[] row = [1L, new DateOnly(2026, 11, 30), new DateTimeOffset(2026, 11, 30, 1, 2, 3, TimeSpan.FromHours(-5)), new TimeOnly(9, 30, 0, 500)];

        // Before: "11/30/2026", "11/30/2026 01:02:03 -05:00" and "09:30": valid rows went to quarantine.
        Assert.Null(day.Check(row));
        Assert.Null(at.Check(row));
        Assert.Null(clock.Check(row));
    }

    [Fact]
    public async Task A_quarantined_row_holding_NaN_does_not_fail_its_batch()
    {
        var nan = SnowflakeValueDecoder.Decode(new SnowflakeColumn("READING", "real"), "NaN");
        var (prepared, _) = await PrepareAsync(
            [new("id", ColumnType.Integer), new("reading", ColumnType.Double), new("label", ColumnType.Text)],
            [],
            [1L, 1.5, "fine"],
            [2L, nan, "has a NUL \u0000 here"]);

        Assert.Single(prepared.Rows);
        using var row = JsonDocument.Parse(Assert.Single(prepared.Quarantined).RowJson);
        Assert.Equal("NaN", row.RootElement.GetProperty("reading").GetString());
    }

    [Fact]
    public void Non_finite_doubles_travel_the_queue_envelope_and_read_back_the_same()
    {
        var schema = new StreamSchema("facts", [new("id", ColumnType.Integer), new("reading", ColumnType.Double)], ["id"], null);
        var values = new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, double.Epsilon, double.MaxValue };
        var batch = new Batch("nan", Guid.NewGuid(), "wh", "facts", schema, values.Select((v, i) => new SourceRecord([(long)i, v])).ToList(), null, "c", 0, DateTimeOffset.UtcNow);

        var back = BatchEnvelope.Deserialize(BatchEnvelope.Serialize(batch));

        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), back.Records.Select(r => BitConverter.DoubleToInt64Bits((double)r.Values[1]!)));
    }

    [Fact]
    public async Task Json_with_an_escaped_unpaired_surrogate_quarantines_its_row_only()
    {
        var (prepared, _) = await PrepareAsync(
            [new("id", ColumnType.Integer), new("doc", ColumnType.Json)],
            [],
            [1L, "{\"note\":\"ok\"}"],
            [2L, "{\"note\":\"half an emoji \\ud83d\"}"]);

        Assert.Single(prepared.Rows);
        Assert.Contains("unpaired UTF-16 surrogate", Assert.Single(prepared.Quarantined).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_with_an_unpaired_surrogate_quarantines_its_row_before_protection_would_turn_it_into_U_FFFD()
    {
        var (prepared, _) = await PrepareAsync(
            [new("id", ColumnType.Integer), new("name", ColumnType.Text), new("secret", ColumnType.Text)],
            new() { ["secret"] = ProtectionMode.Encrypt },
            [1L, "whole \ud83d\ude00", "fine"],
            [2L, "plain", "cut \ud83d"],
            [3L, "cut \ude00 low", "fine"]);

        Assert.Equal([1L], prepared.Rows.Select(r => (long)r.Values[0]!));
        Assert.Equal(2, prepared.Quarantined.Count);
        Assert.All(prepared.Quarantined, q => Assert.Contains("unpaired UTF-16 surrogate", q.Reason, StringComparison.Ordinal));
        // The quarantine row is storable JSON that names the half character.
        using var third = JsonDocument.Parse(prepared.Quarantined[1].RowJson);
        Assert.Equal("cut \\ude00 low", third.RootElement.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData(ProtectionMode.Hash)]
    [InlineData(ProtectionMode.Encrypt)]
    public async Task A_protected_cursor_the_plugin_declares_is_refused_not_compared_as_ciphertext_or_hash(ProtectionMode mode)
    {
        // A hashed cursor used to load: the merge then compared hashes, skipping newer versions as stale.
        var schema = new StreamSchema("facts", [new("id", ColumnType.Integer), new("at", ColumnType.Timestamp)], ["id"], "at");
        var error = await Assert.ThrowsAsync<ConfigException>(() => PrepareAsync(schema, new() { ["at"] = mode }, [new SourceRecord([1L, DateTimeOffset.UnixEpoch])]));

        var refused = Assert.Single(error.Errors);
        Assert.Equal("sources.wh.streams.facts.protect.at", refused.Path);
        Assert.Equal(BatchPreparer.ProtectedCursorRule, refused.Message);
    }

    [Theory]
    [InlineData("1.50000000000000000000000000000")]
    [InlineData("0.00000000000000000000000000000")]
    [InlineData("-7.10000000000000000000000000000000")]
    public void A_decimal_with_more_than_28_fraction_digits_keeps_its_scale(string text)
    {
        var value = NumericText.Parse(text);

        // Before: a decimal of scale 28, one trailing zero gone (numeric::text differed).
        Assert.Equal(text, value is decimal d ? d.ToString(CultureInfo.InvariantCulture) : value.ToString());
    }

    private Task<(PreparedBatch Prepared, ColumnProtector Protector)> PrepareAsync(ColumnSchema[] columns, Dictionary<string, ProtectionMode> protect, params object?[][] rows)
    {
        var schema = new StreamSchema("facts", columns, ["id"], null);
        var records = rows.Select(r => new SourceRecord(r)).ToArray();
        return PrepareAsync(schema, protect, records);
    }

    private async Task<(PreparedBatch Prepared, ColumnProtector Protector)> PrepareAsync(StreamSchema schema, Dictionary<string, ProtectionMode> protect, SourceRecord[] records)
    {
        var protector = new ColumnProtector(new LocalKeyFileProvider(Path.Combine(_directory, "keys.json")));
        var source = new SourceDefinition { Name = "wh", Plugin = "sample" };
        var stream = new StreamDefinition { Name = schema.Name, Target = new TargetTable { Schema = "wh", Table = schema.Name } };
        foreach (var (column, mode) in protect)
        {
            stream.Protect[column] = mode;
        }

        source.Streams.Add(stream);
        var batch = new Batch("b1", Guid.NewGuid(), "wh", schema.Name, schema, records, null, "c", 0, DateTimeOffset.UtcNow);
        return (await new BatchPreparer(protector).PrepareAsync(batch, source, advanceCursor: true, CancellationToken.None), protector);
    }
}
