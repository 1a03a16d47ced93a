using System.Globalization;
using System.Text;
using Azure.Storage.Blobs;
using Daedalus.Configuration;
using Daedalus.Pipeline;
using Daedalus.Runs;
using Daedalus.Security;
using Daedalus.Sources;
using Daedalus.Sources.Files;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Dapper;
using Npgsql;
using Parquet;
using Parquet.Schema;

namespace Daedalus.Tests.Sources.Files;

/// <summary>
/// The files plugin end to end: SyncRunner + InProcessSink into a real PostgreSQL, reading a temp folder or a real
/// Azurite container. Each file is written with the awkward shapes real exports have; each test compares what
/// landed (as PostgreSQL prints it) with what the file says.
/// </summary>
public sealed class FilesSyncTests : IAsyncLifetime
{
    private const string SourceName = "drops";
    private static readonly DateTime Monday = new(2026, 3, 2, 9, 0, 0, DateTimeKind.Utc);
    private CoreServices _core = null!;
    private string _folder = null!;

    public async Task InitializeAsync()
    {
        _core = await CoreServices.StartAsync("files");
        _folder = Path.Combine(_core.Directory, "drop");
        Directory.CreateDirectory(_folder);
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    [Fact]
    public async Task Csv_with_a_BOM_quoted_newlines_and_mixed_line_endings_lands_exactly_and_a_bad_cell_quarantines_by_file_line_and_column()
    {
        var csv = "\uFEFFid,Customer Name,amount,paid_at,note\r\n"
            + "1,\"Ada\r\nLovelace\",12.50,2026-03-01T10:00:00+05:30,plain\n"
            + "2,\"Grace \"\"Amazing\"\" Hopper\",1234567890123456789012345678.1234567890,2026-03-01 08:00:00Z,\r\n"
            + "3,Linus,not-a-number-7f3a,2026-03-01T00:00:00.123456Z,x\n"
            + "4,Ken,-0.000001,2026-03-01T00:00:00,\"a,b\"";
        Write("orders/2026-03-01.csv", Encoding.UTF8.GetBytes(csv), Monday);
        await SaveAsync(Stream("orders", "orders/*.csv", ("columns", "id:integer, customer_name:text, amount:decimal, paid_at:timestamp, note:text")));

        var summary = Assert.Single(await SyncAsync());

        Assert.True(summary.Status == RunStatus.Succeeded, summary.Error);
        Assert.Equal(4, summary.RowsRead);
        Assert.Equal(1, summary.Quarantined);
        Assert.Equal(
            [
                "1|Ada\r\nLovelace|12.50|2026-03-01 04:30:00+00|plain|orders/2026-03-01.csv|1",
                "2|Grace \"Amazing\" Hopper|1234567890123456789012345678.1234567890|2026-03-01 08:00:00+00||orders/2026-03-01.csv|2",
                "4|Ken|-0.000001|2026-03-01 00:00:00+00|a,b|orders/2026-03-01.csv|4",
            ],
            await RowsAsync("SELECT id::text, customer_name, amount::text, paid_at::text, coalesce(note, ''), _file, _row::text FROM files.orders ORDER BY id"));
        var reason = Assert.Single(await QuarantineReasonsAsync("orders"));
        Assert.Equal("file orders/2026-03-01.csv line 5: column amount is not a decimal number", reason);
        Assert.DoesNotContain("7f3a", reason, StringComparison.Ordinal);
        Assert.Equal("2026-03-02T09:00:00.0000000+00:00|done|orders/2026-03-01.csv", await CursorAsync("orders"));
    }

    [Fact]
    public async Task Empty_and_header_only_files_move_the_cursor_each_file_is_read_once_and_a_re_uploaded_file_is_read_again_updating_its_rows()
    {
        Write("a-empty.csv", [], Monday);
        Write("b-header-only.csv", "id,status\r\n"u8.ToArray(), Monday.AddMinutes(1));
        Write("c-data.csv", "id,status\n1,open\n2,open\n3,open\n"u8.ToArray(), Monday.AddMinutes(2));
        var stream = Stream("tickets", "*.csv", ("columns", "id:integer, status:text"));
        stream.PrimaryKey = ["id"];
        await SaveAsync(stream);

        var first = Assert.Single(await SyncAsync());
        Assert.True(first.Status == RunStatus.Succeeded, first.Error);
        Assert.Equal(3, first.RowsRead);
        Assert.EndsWith("|done|c-data.csv", await CursorAsync("tickets"), StringComparison.Ordinal);

        var again = Assert.Single(await SyncAsync());
        Assert.Equal(0, again.RowsRead);

        // Re-uploaded: same name, newer last-modified, one row changed, one row added.
        Write("c-data.csv", "id,status\n1,open\n2,closed\n3,open\n4,new\n"u8.ToArray(), Monday.AddMinutes(10));
        var reread = Assert.Single(await SyncAsync());

        Assert.True(reread.Status == RunStatus.Succeeded, reread.Error);
        Assert.Equal(4, reread.RowsRead);
        Assert.Equal(["1|open", "2|closed", "3|open", "4|new"], await RowsAsync("SELECT id::text, status FROM files.tickets ORDER BY id"));
        Assert.Equal(["2026-03-02 09:10:00+00"], await RowsAsync("SELECT DISTINCT _file_modified::text FROM files.tickets"));
    }

    [Fact]
    public async Task A_pull_resumed_from_a_cursor_inside_a_file_reads_only_the_records_after_it_and_duplicates_nothing_without_a_declared_key()
    {
        var lines = new StringBuilder("n,label\n");
        for (var i = 1; i <= 25; i++)
        {
            lines.Append(CultureInfo.InvariantCulture, $"{i},row {i}\n");
        }

        Write("events.csv", Encoding.UTF8.GetBytes(lines.ToString()), Monday);
        await SaveAsync(Stream("events", "events.csv", ("pageSize", "10")));
        Assert.Equal(25, Assert.Single(await SyncAsync()).RowsRead);

        // As if the process died after the first page was stored: the cursor says 10 records of this file are in.
        var file = new StoredFile("events.csv", new DateTimeOffset(Monday), 0);
        await _core.Get<CursorStore>().AdvanceAsync(SourceName, "events", FileCursor.Within(file, 10).ToString(), CancellationToken.None);
        var resumed = Assert.Single(await SyncAsync());

        Assert.True(resumed.Status == RunStatus.Succeeded, resumed.Error);
        Assert.Equal(15, resumed.RowsRead);
        Assert.Equal(["25|25|1|25"], await RowsAsync("SELECT count(*)::text, count(DISTINCT _row)::text, min(_row)::text, max(n)::text FROM files.events"));
        Assert.Equal(["n:bigint", "label:text"], (await RowsAsync("SELECT column_name || ':' || data_type FROM information_schema.columns WHERE table_schema = 'files' AND table_name = 'events' AND column_name NOT LIKE '\\_%' ORDER BY ordinal_position")));
    }

    [Fact]
    public async Task Json_lines_in_an_Azurite_container_infer_types_keep_every_digit_and_quarantine_a_bad_line_while_the_rest_loads()
    {
        var container = new BlobContainerClient(await AzuriteServer.ConnectionStringAsync(), AzuriteServer.UniqueQueueName("files"));
        await container.CreateAsync();
        var jsonl = "{\"id\": 1, \"amount\": 0.1, \"at\": \"2026-03-01T10:00:00-04:00\", \"tags\": [\"a\"], \"name\": \"Ada\"}\r\n"
            + "\n"
            + "{\"id\": 2, \"amount\": 98765432109876543210.0123456789, \"at\": \"2026-03-01T11:00:00Z\", \"tags\": {\"k\": 1}, \"name\": null}\n"
            + "{\"id\": 3, \"amount\": 1e3, \"at\": \"2026-03-01T12:00:00Z\", \"name\": \"secret-ish\"\n"
            + "{\"id\": 4, \"amount\": 7, \"at\": \"2026-03-01T13:00:00Z\", \"tags\": [], \"name\": \"Zed\"}\n";
        await container.UploadBlobAsync("in/2026/03/events.jsonl", BinaryData.FromBytes([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(jsonl)]));
        await container.UploadBlobAsync("in/2026/03/ignored.csv", BinaryData.FromString("x\n1\n"));
        await _core.Get<ISecretStore>().SetAsync($"{SourceName}-connection", await AzuriteServer.ConnectionStringAsync(), CancellationToken.None);
        var source = Source(Stream("events", "in/**/*.jsonl"));
        source.Settings.Remove("folder");
        source.Settings["container"] = container.Name;
        await SaveAsync(source);

        var summary = Assert.Single(await SyncAsync());

        Assert.True(summary.Status == RunStatus.Succeeded, summary.Error);
        Assert.Equal(4, summary.RowsRead);
        Assert.Equal(1, summary.Quarantined);
        Assert.Equal(
            [
                "1|0.1|2026-03-01 14:00:00+00|[\"a\"]|Ada",
                "2|98765432109876543210.0123456789|2026-03-01 11:00:00+00|{\"k\": 1}|",
                "4|7|2026-03-01 13:00:00+00|[]|Zed",
            ],
            await RowsAsync("SELECT id::text, amount::text, at::text, tags::text, coalesce(name, '') FROM files.events ORDER BY id"));
        Assert.Equal(["file in/2026/03/events.jsonl line 4: is not valid JSON"], await QuarantineReasonsAsync("events"));
        Assert.Equal(
            ["id:bigint", "amount:numeric", "at:timestamp with time zone", "tags:jsonb", "name:text"],
            await RowsAsync("SELECT column_name || ':' || data_type FROM information_schema.columns WHERE table_schema = 'files' AND table_name = 'events' AND column_name NOT LIKE '\\_%' ORDER BY ordinal_position"));
        await container.DeleteAsync();
    }

    [Fact]
    public async Task Parquet_with_decimals_timestamps_nulls_and_several_row_groups_lands_exactly_and_resumes_inside_a_row_group()
    {
        var schema = new ParquetSchema(
            new DataField<long>("id"),
            new DecimalDataField("price", 38, 10, isNullable: true),
            new DecimalDataField("small", 9, 2, isNullable: true),
            new DateTimeDataField("sold_at", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true),
            new DataField<string>("sku", true),
            new DataField<DateOnly?>("day"));
        var path = Path.Combine(_folder, "sales.parquet");
        await using (var file = File.Create(path))
        {
            await using var writer = await ParquetWriter.CreateAsync(schema, file);
            for (var group = 0; group < 3; group++)
            {
                using var rows = writer.CreateRowGroup();
                var ids = Enumerable.Range(group * 4 + 1, 4).Select(i => (long)i).ToArray();
                await rows.WriteAsync<long>(schema.DataFields[0], ids);
                await rows.WriteAsync<decimal>(schema.DataFields[1], ids.Select(i => i == 2 ? (decimal?)null : i == 5 ? 1234567890123456789.1234567890m : i + 0.5000000000m).ToArray());
                await rows.WriteAsync<decimal>(schema.DataFields[2], ids.Select(i => i == 3 ? (decimal?)null : -i - 0.01m).ToArray());
                await rows.WriteAsync<DateTime>(schema.DataFields[3], ids.Select(i => i == 4 ? (DateTime?)null : Monday.AddTicks(i * 10)).ToArray());
                await rows.WriteAsync(schema.DataFields[4], ids.Select(i => i == 6 ? null : $"SKU-{i}").ToArray());
                await rows.WriteAsync<DateOnly>(schema.DataFields[5], ids.Select(i => i == 7 ? (DateOnly?)null : new DateOnly(2026, 3, (int)i)).ToArray());
            }
        }

        File.SetLastWriteTimeUtc(path, Monday);
        await SaveAsync(Stream("sales", "*.parquet"));

        var summary = Assert.Single(await SyncAsync());

        Assert.True(summary.Status == RunStatus.Succeeded, summary.Error);
        Assert.Equal(12, summary.RowsRead);
        Assert.Empty(await QuarantineReasonsAsync("sales"));
        // The whole table, each row with its record number in the file (_row), compared as one text so a failure shows every row.
        var landed = await RowsAsync("SELECT _row::text || '#' || id::text, coalesce(price::text, 'null'), coalesce(small::text, 'null'), coalesce(sold_at::text, 'null'), coalesce(sku, 'null'), coalesce(day::text, 'null') FROM files.sales s ORDER BY s._row");
        var expected = Enumerable.Range(1, 12).Select(i =>
            $"{i}#{i}|{(i == 2 ? "null" : i == 5 ? "1234567890123456789.1234567890" : $"{i}.5000000000")}|{(i == 3 ? "null" : $"-{i}.01")}|"
            + $"{(i == 4 ? "null" : $"2026-03-02 09:00:00{(i / 1_000_000m).ToString("0.######", CultureInfo.InvariantCulture)[1..]}+00")}|{(i == 6 ? "null" : $"SKU-{i}")}|{(i == 7 ? "null" : $"2026-03-{i:00}")}");
        Assert.Equal(string.Join("\n", expected), string.Join("\n", landed));

        // Resume inside the second row group (records 1-6 stored): only 7-12 are read, and land on the same rows.
        await _core.Get<CursorStore>().AdvanceAsync(SourceName, "sales", FileCursor.Within(new StoredFile("sales.parquet", new DateTimeOffset(Monday), 0), 6).ToString(), CancellationToken.None);
        var resumed = Assert.Single(await SyncAsync());
        Assert.True(resumed.Status == RunStatus.Succeeded, resumed.Error);
        Assert.Equal(6, resumed.RowsRead);
        Assert.Equal(["12"], await RowsAsync("SELECT count(*)::text FROM files.sales"));
        Assert.Equal(["7|12"], await RowsAsync($"SELECT min(_row)::text, max(_row)::text FROM files.sales WHERE _daedalus_batch_id IN (SELECT batch_id FROM daedalus.batches WHERE run_id = '{resumed.RunId}')"));
    }

    [Fact]
    public async Task Parquet_string_bytes_that_are_not_utf8_quarantine_their_row_by_row_group_row_and_column_and_the_rest_lands_exactly()
    {
        var schema = new ParquetSchema(new DataField<long>("id"), new DataField<string>("name"));
        using var written = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(schema, written, new ParquetOptions { CompressionMethod = CompressionMethod.None }))
        {
            foreach (var (ids, names) in new[] { (new long[] { 1, 2, 3 }, new[] { "Ada", "\uFFFD kept", "\uFDD0 kept" }), (new long[] { 4, 5, 6 }, new[] { "Zoë 😀", "@@B1@@", null }) })
            {
                using var rows = writer.CreateRowGroup();
                await rows.WriteAsync<long>(schema.DataFields[0], ids);
                await rows.WriteAsync(schema.DataFields[1], names);
            }
        }

        // "Renée" as a Latin-1 writer stores it: é is the single byte 0xE9, which is not UTF-8.
        Write("people.parquet", ParquetBytePatch.Replace(written.ToArray(), "@@B1@@", [(byte)'R', (byte)'e', (byte)'n', 0xE9, (byte)'e', (byte)'!']), Monday);
        await SaveAsync(Stream("people", "*.parquet"));

        var summary = Assert.Single(await SyncAsync());

        Assert.True(summary.Status == RunStatus.Succeeded, summary.Error);
        Assert.Equal(6, summary.RowsRead);
        Assert.Equal(1, summary.Quarantined);
        var reason = Assert.Single(await QuarantineReasonsAsync("people"));
        Assert.Equal("file people.parquet row group 1 row 2: column name is not valid utf-8 (Parquet strings are UTF-8; the file's writer stored other bytes, e.g. Latin-1 or windows-1252)", reason);
        Assert.DoesNotContain("Ren", reason, StringComparison.Ordinal);
        Assert.Equal(
            ["1|Ada|1", "2|\uFFFD kept|2", "3|\uFDD0 kept|3", "4|Zoë 😀|4", "6|null|6"],
            await RowsAsync("SELECT id::text, coalesce(name, 'null'), _row::text FROM files.people ORDER BY id"));
    }

    private void Write(string name, byte[] content, DateTime modified)
    {
        var path = Path.Combine(_folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        File.SetLastWriteTimeUtc(path, modified);
    }

    private static StreamDefinition Stream(string name, string pattern, params (string Key, string Value)[] settings)
    {
        var stream = new StreamDefinition
        {
            Name = name,
            Mode = SyncMode.Incremental,
            Target = new TargetTable { Schema = "files", Table = name },
            Settings = new(StringComparer.OrdinalIgnoreCase) { ["pattern"] = pattern },
        };
        foreach (var (key, value) in settings)
        {
            stream.Settings[key] = value;
        }

        return stream;
    }

    private SourceDefinition Source(StreamDefinition stream) => new()
    {
        Name = SourceName,
        Plugin = FilesSourcePlugin.PluginName,
        Settings = new(StringComparer.OrdinalIgnoreCase) { ["folder"] = _folder, ["settleSeconds"] = "0" },
        Streams = { stream },
    };

    private Task SaveAsync(StreamDefinition stream) => SaveAsync(Source(stream));

    private async Task SaveAsync(SourceDefinition source)
    {
        Assert.Empty(_core.Get<SourcePluginRegistry>().Get(FilesSourcePlugin.PluginName).Validate(source));
        await _core.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);
    }

    private Task<IReadOnlyList<StreamSummary>> SyncAsync() =>
        _core.Get<SyncRunner>().RunAsync([SourceName], _core.Get<InProcessSink>(), "test", null, CancellationToken.None);

    private Task<string?> CursorAsync(string stream) => _core.Get<CursorStore>().GetAsync(SourceName, stream, CancellationToken.None);

    private async Task<List<string>> QuarantineReasonsAsync(string stream)
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        return (await connection.QueryAsync<string>("SELECT reason FROM daedalus.quarantine WHERE source = @SourceName AND stream = @stream ORDER BY id", new { SourceName, stream })).ToList();
    }

    private async Task<List<string>> RowsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SET TIME ZONE 'UTC'; " + sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : reader.GetString(i))));
        }

        return rows;
    }
}
