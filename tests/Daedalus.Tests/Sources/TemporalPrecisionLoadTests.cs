using System.Globalization;
using System.Text.Json;
using Daedalus.Batching;
using Daedalus.Configuration;
using Daedalus.Ingest;
using Daedalus.Sources;
using Daedalus.Sources.QuickBooks;
using Daedalus.Sources.Rest;
using Daedalus.Sources.Snowflake;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Sources;

/// <summary>
/// The same pre-2000 instant from every plugin, on a real PostgreSQL. Npgsql reduces 100 ns ticks to microseconds
/// toward 2000-01-01, so an instant before 2000 with a non-zero 7th digit would land a microsecond later than the
/// source holds: every plugin refuses such a value, and the same instant with zeros past the microsecond lands alike.
/// </summary>
public sealed class TemporalPrecisionLoadTests : IAsyncLifetime
{
    private CoreServices _core = null!;
    private SourceDefinition _source = null!;

    public async Task InitializeAsync()
    {
        _core = await CoreServices.StartAsync("subus");
        _source = new SourceDefinition { Name = "wh", Plugin = "sample" };
        _source.Streams.Add(new StreamDefinition { Name = "facts", Target = new TargetTable { Schema = "wh", Table = "moments" } });
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    [Fact]
    public async Task The_same_pre_2000_instant_lands_the_same_from_every_plugin_or_is_refused_by_every_plugin()
    {
        var seconds = DateTimeOffset.Parse("1969-07-20T20:17:40Z", CultureInfo.InvariantCulture).ToUnixTimeSeconds();

        // 100 ns past the second: no plugin may land it (it would become 20:17:40.000001, or be cut to 20:17:40).
        const string finer = "1969-07-20T20:17:40.0000001Z";
        using (var cell = JsonDocument.Parse($"\"{finer}\""))
        {
            Assert.NotNull(RestValueDecoder.Decode(ColumnType.Timestamp, cell.RootElement, out _));
        }

        Assert.Throws<FormatException>(() => QuickBooksDateTime.ParseTimestamp(finer));
        Assert.Throws<SourceException>(() => SnowflakeValueDecoder.Decode(new SnowflakeColumn("AT", "timestamp_ntz", 9), $"-{-seconds - 1}.999999900"));

        // The same second with zeros past the microsecond lands exactly from each.
        const string exact = "1969-07-20T20:17:40.0000000Z";
        using var restCell = JsonDocument.Parse($"\"{exact}\"");
        Assert.Null(RestValueDecoder.Decode(ColumnType.Timestamp, restCell.RootElement, out var fromRest));
        var fromQuickBooks = QuickBooksDateTime.ParseTimestamp(exact);
        var fromSnowflake = SnowflakeValueDecoder.Decode(new SnowflakeColumn("AT", "timestamp_ntz", 9), $"{seconds}.000000000");

        var schema = new StreamSchema("facts", [new ColumnSchema("id", ColumnType.Integer), new ColumnSchema("at", ColumnType.Timestamp)], ["id"], null);
        var batch = new Batch("subus", Guid.NewGuid(), "wh", "facts", schema, [new SourceRecord([1L, fromRest]), new SourceRecord([2L, fromQuickBooks]), new SourceRecord([3L, fromSnowflake])], null, "c", 0, DateTimeOffset.UtcNow);
        var prepared = await _core.Get<BatchPreparer>().PrepareAsync(batch, _source, advanceCursor: true, CancellationToken.None);
        await _core.Get<BatchLoader>().LoadAsync(prepared, CancellationToken.None);

        var landed = await _core.TextRowsAsync("SELECT id::text || ' ' || to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM wh.moments ORDER BY id");
        Assert.Equal(["1 1969-07-20 20:17:40.000000", "2 1969-07-20 20:17:40.000000", "3 1969-07-20 20:17:40.000000"], landed);
    }
}
