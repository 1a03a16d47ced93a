using Daedalus.Batching;
using Daedalus.Configuration;
using Daedalus.Ingest;
using Daedalus.Sources;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Daedalus.Tests.Ingest;

/// <summary>
/// Issue 11 at the load path, on a real PostgreSQL: values land exactly as the source holds them (any numeric
/// precision, the whole date range, no invented infinity), and one bad row never blocks the rest of its batch.
/// </summary>
public sealed class ExactValuesTests : IAsyncLifetime
{
    private CoreServices _core = null!;
    private SourceDefinition _source = null!;

    public async Task InitializeAsync()
    {
        _core = await CoreServices.StartAsync("values");
        _source = new SourceDefinition { Name = "wh", Plugin = "sample" };
        _source.Streams.Add(new StreamDefinition { Name = "facts", Target = new TargetTable { Schema = "wh", Table = "facts" } });
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    private static readonly StreamSchema Schema = new(
        "facts",
        [
            new("id", ColumnType.Integer), new("label", ColumnType.Text), new("amount", ColumnType.Decimal), new("day", ColumnType.Date),
            new("at", ColumnType.Timestamp), new("doc", ColumnType.Json),
        ],
        ["id"],
        null);

    private static Batch MakeBatch(string id, StreamSchema schema, params object?[][] rows) =>
        new(id, Guid.NewGuid(), "wh", "facts", schema, rows.Select(r => new SourceRecord(r)).ToList(), null, "c-" + id, 0, DateTimeOffset.UtcNow);

    private async Task<LoadResult> LoadAsync(Batch batch, bool viaQueue = false)
    {
        var preparer = _core.Get<BatchPreparer>();
        var prepared = await preparer.PrepareAsync(batch, _source, advanceCursor: true, CancellationToken.None);
        if (viaQueue)
        {
            // The queue path: prepared at the puller, serialized, read back and loaded by the worker.
            var envelope = BatchEnvelope.Serialize(BatchPreparer.ToProtected(prepared));
            prepared = await preparer.PrepareAsync(BatchEnvelope.Deserialize(envelope), _source, advanceCursor: false, CancellationToken.None);
        }

        return await _core.Get<BatchLoader>().LoadAsync(prepared, CancellationToken.None);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Numbers_dates_and_timestamps_land_exactly_at_the_edges(bool viaQueue)
    {
        var big = NumericText.Parse("1234567890123456789012345678.1234567890");
        var huge = NumericText.Parse("-99999999999999999999999999999999999999.99999999999999999999");
        var last = new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_990);
        await LoadAsync(
            MakeBatch(
                "edges",
                Schema,
                [1L, "open-ended", big, new DateOnly(9999, 12, 31), last, "{}"],
                [2L, "start", huge, new DateOnly(1, 1, 1), new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero), "[]"],
                [3L, "plain", 12.50m, new DateOnly(2026, 11, 30), new DateTimeOffset(2026, 11, 30, 1, 2, 3, TimeSpan.Zero), "null"]),
            viaQueue);

        Assert.IsType<NumericText>(big);
        Assert.Equal("1234567890123456789012345678.1234567890", await _core.ScalarAsync<string>("SELECT amount::text FROM wh.facts WHERE id = 1"));
        Assert.Equal("-99999999999999999999999999999999999999.99999999999999999999", await _core.ScalarAsync<string>("SELECT amount::text FROM wh.facts WHERE id = 2"));
        Assert.Equal("12.50", await _core.ScalarAsync<string>("SELECT amount::text FROM wh.facts WHERE id = 3"));
        Assert.Equal(1L, await _core.ScalarAsync<long>("SELECT count(*) FROM wh.facts WHERE day = '9999-12-31'"));
        Assert.Equal("0001-01-01", await _core.ScalarAsync<string>("SELECT day::text FROM wh.facts WHERE id = 2"));
        Assert.Equal("9999-12-31 23:59:59.999999+00", await _core.ScalarAsync<string>("SET TIME ZONE 'UTC'; SELECT at::text FROM wh.facts WHERE id = 1"));
        Assert.Equal(0L, await _core.ScalarAsync<long>("SELECT count(*) FROM wh.facts WHERE isfinite(day) = false OR isfinite(at) = false"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Rows_postgres_would_refuse_go_to_quarantine_naming_the_column_and_the_rest_load(bool viaQueue)
    {
        var result = await LoadAsync(
            MakeBatch(
                "bad-cells",
                Schema,
                [1L, "fine", 1m, null, null, null],
                [2L, "a\u0000b", 2m, null, null, null],
                [null, "no key", 3m, null, null, null],
                [4L, "json nul", 4m, null, null, """{"k":"x\u0000y"}"""],
                [5L, "bad json", 5m, null, null, "{not json"],
                [6L, "also fine", 6m, null, null, """{"k":[1,2]}"""]),
            viaQueue);

        Assert.Equal((2, 4), (result.Loaded, result.Quarantined));
        Assert.Equal(2L, await _core.ScalarAsync<long>("SELECT count(*) FROM wh.facts"));
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        var reasons = (await connection.QueryAsync<string>("SELECT reason FROM daedalus.quarantine ORDER BY id")).ToList();
        Assert.Collection(
            reasons,
            r => Assert.Equal("stream facts: column label holds a NUL character (U+0000), which PostgreSQL text cannot store", r),
            r => Assert.Equal("stream facts: primary key column id is null", r),
            r => Assert.Equal("stream facts: column doc holds a NUL character (U+0000), which PostgreSQL jsonb cannot store", r),
            r => Assert.Equal("stream facts: column doc is not valid JSON", r));
        Assert.Equal("a\\u0000b", await connection.ExecuteScalarAsync<string>("SELECT row->>'label' FROM daedalus.quarantine WHERE reason LIKE '%label%'"));
        if (!viaQueue)
        {
            Assert.Equal("c-bad-cells", await _core.ScalarAsync<string>("SELECT value FROM daedalus.cursors WHERE source = 'wh'"));
        }
    }

    [Fact]
    public async Task A_row_the_database_refuses_at_load_is_isolated_by_splitting_and_named_without_its_value()
    {
        await LoadAsync(MakeBatch("first", Schema, [1L, "ok", 1m, null, null, null]));
        await _core.ScalarAsync<int>("ALTER TABLE wh.facts ADD CONSTRAINT amount_small CHECK (amount < 1000)");
        var rows = Enumerable.Range(2, 40).Select(i => new object?[] { (long)i, $"row {i}", i == 17 || i == 33 ? 123456.789m : i, null, null, null }).ToArray();

        var result = await LoadAsync(MakeBatch("check", Schema, rows));

        Assert.Equal((38, 2), (result.Loaded, result.Quarantined));
        Assert.Equal(39L, await _core.ScalarAsync<long>("SELECT count(*) FROM wh.facts"));
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        var refused = (await connection.QueryAsync<(string Reason, long Id)>("SELECT reason, (row->>'id')::bigint FROM daedalus.quarantine ORDER BY 2")).ToList();
        Assert.Equal([17L, 33L], refused.Select(r => r.Id));
        Assert.All(refused, r => Assert.StartsWith("stream facts: PostgreSQL refused the row: 23514:", r.Reason, StringComparison.Ordinal));
        Assert.All(refused, r => Assert.DoesNotContain("123456", r.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_batch_refused_as_a_whole_names_source_stream_and_sqlstate_never_a_value()
    {
        await LoadAsync(MakeBatch("first", Schema, [1L, "ok", 1m, null, null, null]));
        await _core.ScalarAsync<int>("CREATE FUNCTION wh.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by policy' USING ERRCODE = 'P0001', DETAIL = 'label=' || NEW.label; END $$; CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON wh.facts FOR EACH ROW EXECUTE FUNCTION wh.refuse()");

        var error = await Assert.ThrowsAsync<BatchLoadException>(() => LoadAsync(MakeBatch("trigger", Schema, [2L, "top-secret-cell", 1m, null, null, null])));

        Assert.StartsWith("wh/facts: PostgreSQL refused batch trigger: P0001:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("top-secret-cell", error.ToString(), StringComparison.Ordinal);
        Assert.Null(error.InnerException);
        Assert.Equal("P0001", error.SqlState);
    }

    [Fact]
    public void PostgreSQL_messages_lose_the_quoted_value()
    {
        var ex = new PostgresException("invalid input syntax for type integer: \"4111 1111 1111 1111\"", "ERROR", "ERROR", "22P02", where: "COPY daedalus_staging, line 3, column card: \"4111 1111 1111 1111\"");
        Assert.Equal("22P02: invalid input syntax for type integer (column card)", PostgresFailure.Describe(ex));
    }

    [Fact]
    public async Task A_stream_wider_than_postgres_allows_fails_with_a_message_that_says_so()
    {
        var columns = Enumerable.Range(0, 1598).Select(i => new ColumnSchema($"c{i}", ColumnType.Text)).Prepend(new ColumnSchema("id", ColumnType.Integer)).ToList();
        var wide = new StreamSchema("facts", columns, ["id"], null);
        var values = new object?[columns.Count];
        values[0] = 1L;

        var error = await Assert.ThrowsAsync<SchemaChangeException>(() => LoadAsync(new Batch("wide", Guid.NewGuid(), "wh", "facts", wide, [new SourceRecord(values)], null, null, 0, DateTimeOffset.UtcNow)));

        Assert.Contains("stream facts has 1599 columns", error.Message, StringComparison.Ordinal);
        Assert.Contains("limit of 1600 columns", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1234567890123456789012345678.1234567890", "1234567890123456789012345678.1234567890", true)]
    [InlineData("12.50", "12.50", false)]
    [InlineData("-0.000", "0.000", false)]
    [InlineData("1.5E+3", "1500", false)]
    [InlineData("1e-30", "0.000000000000000000000000000001", true)]
    [InlineData("79228162514264337593543950336", "79228162514264337593543950336", true)]
    public void NumericText_keeps_every_digit_and_uses_decimal_only_when_exact(string text, string expected, bool big)
    {
        var value = NumericText.Parse(text);
        Assert.Equal(big, value is NumericText);
        Assert.Equal(expected, value is decimal d ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : value.ToString());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.2.3")]
    [InlineData("NaN")]
    [InlineData("")]
    public void NumericText_refuses_what_is_not_a_finite_decimal(string text) =>
        Assert.Throws<FormatException>(() => NumericText.Parse(text));
}
