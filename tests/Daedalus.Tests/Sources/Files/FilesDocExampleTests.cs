using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Daedalus.Configuration;
using Daedalus.Pipeline;
using Daedalus.Runs;
using Daedalus.Security;
using Daedalus.Sources;
using Daedalus.Storage;
using Daedalus.Tests.Docs;
using Daedalus.Tests.Infrastructure;
using Daedalus.Tests.Sources.Snowflake;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Parquet;
using Parquet.Schema;

namespace Daedalus.Tests.Sources.Files;

/// <summary>
/// The example of docs/plugins/files.md, read from the page itself (the block marked
/// <c>&lt;!-- doc-test: files-example --&gt;</c>) and loaded whole with the real config loader, so every source in it
/// must validate. Only the <c>exports</c> folder is overridden (its documented <c>DAEDALUS_CONFIG__</c> variable, to
/// a temp folder); <c>local_lake</c>'s secret holds the test's Azurite. <c>exports</c> and <c>local_lake</c> are
/// synced with SyncRunner into a real PostgreSQL from files written exactly as the example's settings describe, and
/// every landed value is compared; <c>lake</c> (managed identity against a real account) is loaded and validated only.
/// </summary>
public sealed partial class FilesDocExampleTests : IAsyncLifetime
{
    private static readonly Encoding Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

    // The system clock, moved forward where a test needs freshly written files to count as settled.
    private readonly ShiftedClock _clock = new();

    // Whole seconds, two hours back: well past the example's settleSeconds (30) whatever the machine's speed.
    private readonly DateTime _modified = DateTime.UnixEpoch.AddSeconds((long)(DateTime.UtcNow.AddHours(-2) - DateTime.UnixEpoch).TotalSeconds);
    private CoreServices _core = null!;
    private string _folder = null!;

    public async Task InitializeAsync()
    {
        _core = await CoreServices.StartAsync("filesdoc", configure: services => services.AddSingleton<TimeProvider>(_clock));
        _folder = Path.Combine(_core.Directory, "exports");
        Directory.CreateDirectory(_folder);
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    [Fact]
    public void The_whole_documented_example_loads_and_validates_with_only_the_folder_overridden()
    {
        var sources = LoadDocumentedExample();

        Assert.Equal(["exports", "lake", "local_lake"], sources.Select(s => s.Name));
        Assert.All(sources, s => Assert.Equal("files", s.Plugin));
        Assert.All(sources, s => Assert.Empty(_core.Get<SourcePluginRegistry>().Get(s.Plugin).Validate(s)));
        var exports = sources[0];
        Assert.Equal(_folder, exports.Settings["folder"]);
        Assert.Equal("30", exports.Settings["settleSeconds"]);
        Assert.Equal(["orders", "events"], exports.Streams.Select(s => s.Name));

        // lake: managed identity against a real account; loaded and valid, never synced here.
        var lake = sources[1];
        Assert.Equal("landing", lake.Settings["container"]);
        Assert.Equal("https://mystorageaccount.blob.core.windows.net", lake.Settings["accountUrl"]);
        Assert.Empty(lake.Secrets);
        Assert.Equal(["sale_id"], Assert.Single(lake.Streams).PrimaryKey);

        // local_lake: the documented local variable is the one the secret store reads for its secret name.
        var localLake = sources[2];
        Assert.Equal("local-lake-connection", localLake.Secrets["connection"]);
        var documented = Regex.Match(DocumentedYaml(), @"(DAEDALUS_SECRET_\w+)=").Groups[1].Value;
        Assert.Equal(LocalSecretStore.EnvironmentName(localLake.Secrets["connection"]), documented);
    }

    [Fact]
    public async Task Exports_windows_1252_csv_and_nested_json_lines_land_exactly_and_re_uploaded_files_update_their_rows()
    {
        var t1 = _modified;
        WriteOrders("orders/2026-03-01.csv", t1, "1;Café Müller;1234567890123456789.0123456789;2026-03-01T10:15:30+01:00;2026-03-03", "2;\"Smith; Jones & Co\";-0.000000001;2026-03-01 23:59:59.999999Z;", "3;Zoë Œuvre € 5;12.50;2026-03-01T00:00:00;2026-02-28");
        WriteOrders("orders/2026-03-02.csv", t1.AddMinutes(1), "4;Ångström;0;2026-03-02T08:00:00-05:30;2026-03-04");
        WriteOrders("orders/archive/2026-02-28.csv", t1, "99;not matched: * stays within a folder;1;2026-02-28T00:00:00Z;"); // orders/*.csv does not reach into archive/
        // Modified ten minutes from now (still being written, or a clock ahead): younger than settleSeconds, it waits.
        var late = _modified.AddHours(2).AddMinutes(10);
        WriteOrders("orders/2026-03-03.csv", late, "5;Late Ltd;5.5;2026-03-03T00:00:00Z;");
        WriteEvents("events/2026/03/01/app.jsonl", t1, """{"event_id": 1, "kind": "login", "at": "2026-03-01T08:00:00Z", "ok": true, "value": 0.1, "meta": {"ip": "10.0.0.1"}, "user": "zoë"}""", """{"event_id": 2, "kind": "logout", "at": "2026-03-01T09:30:00.5+02:00", "ok": false, "value": 12345678901234567890.123456789, "meta": null, "user": null}""");
        WriteEvents("events/2026/03/02/eu/app.jsonl", t1.AddMinutes(2), """{"event_id": 3, "kind": "login", "at": "2026-03-02T00:00:00Z", "ok": true, "value": -7, "meta": [1, "two"], "user": "Ünal"}""");
        WriteEvents("events/2026/03/02/eu/app.log", t1, """{"event_id": 99}""");
        await UpsertAsync(LoadDocumentedExample());

        var first = await SyncAsync("exports");

        Assert.All(first, s => Assert.True(s.Status == RunStatus.Succeeded, $"{s.Stream}: {s.Status} {s.Error}"));
        await AssertNothingQuarantinedAsync();
        Assert.Equal(["orders:4", "events:3"], first.Select(s => $"{s.Stream}:{s.RowsRead}"));
        Assert.Equal(["id:bigint", "customer:text", "amount:numeric", "paid_at:timestamp with time zone", "shipped_on:date"], await ColumnsAsync("orders"));
        Assert.Equal(["id"], await PrimaryKeyAsync("orders"));
        Assert.Equal(
            [
                $"1|Café Müller|1234567890123456789.0123456789|2026-03-01 09:15:30+00|2026-03-03|orders/2026-03-01.csv|1|{Time(t1)}",
                $"2|Smith; Jones & Co|-0.000000001|2026-03-01 23:59:59.999999+00|<null>|orders/2026-03-01.csv|2|{Time(t1)}",
                $"3|Zoë Œuvre € 5|12.50|2026-03-01 00:00:00+00|2026-02-28|orders/2026-03-01.csv|3|{Time(t1)}",
                $"4|Ångström|0|2026-03-02 13:30:00+00|2026-03-04|orders/2026-03-02.csv|1|{Time(t1.AddMinutes(1))}",
            ],
            await OrdersAsync());
        // Inferred from the JSON: integer, text, timestamp, boolean, decimal (every digit, not double), json.
        Assert.Equal(["event_id:bigint", "kind:text", "at:timestamp with time zone", "ok:boolean", "value:numeric", "meta:jsonb", "user:text"], await ColumnsAsync("events"));
        Assert.Equal(["_file", "_row"], await PrimaryKeyAsync("events"));
        Assert.Equal(
            [
                $"events/2026/03/01/app.jsonl|1|1|login|2026-03-01 08:00:00+00|true|0.1|{{\"ip\": \"10.0.0.1\"}}|zoë|{Time(t1)}",
                $"events/2026/03/01/app.jsonl|2|2|logout|2026-03-01 07:30:00.5+00|false|12345678901234567890.123456789|<null>|<null>|{Time(t1)}",
                $"events/2026/03/02/eu/app.jsonl|1|3|login|2026-03-02 00:00:00+00|true|-7|[1, \"two\"]|Ünal|{Time(t1.AddMinutes(2))}",
            ],
            await EventsAsync());

        // Re-uploaded an hour later: one order changed, one event changed. Rows update in place, by id and by (_file, _row).
        var t2 = t1.AddHours(1);
        WriteOrders("orders/2026-03-01.csv", t2, "1;Café Müller;1234567890123456789.0123456789;2026-03-01T10:15:30+01:00;2026-03-03", "2;\"Smith; Jones & Co (paid)\";-0.000000002;2026-03-01 23:59:59.999999Z;2026-03-05", "3;Zoë Œuvre € 5;12.50;2026-03-01T00:00:00;2026-02-28");
        WriteEvents("events/2026/03/01/app.jsonl", t2, """{"event_id": 10, "kind": "login-retry", "at": "2026-03-01T08:00:01Z", "ok": false, "value": 0.10, "meta": {"ip": "10.0.0.2"}, "user": "zoë"}""", """{"event_id": 2, "kind": "logout", "at": "2026-03-01T09:30:00.5+02:00", "ok": false, "value": 12345678901234567890.123456789, "meta": null, "user": null}""");

        var second = await SyncAsync("exports");

        Assert.All(second, s => Assert.True(s.Status == RunStatus.Succeeded, $"{s.Stream}: {s.Status} {s.Error}"));
        await AssertNothingQuarantinedAsync();
        Assert.Equal(["orders:3", "events:2"], second.Select(s => $"{s.Stream}:{s.RowsRead}"));
        Assert.Equal(
            [
                $"1|Café Müller|1234567890123456789.0123456789|2026-03-01 09:15:30+00|2026-03-03|orders/2026-03-01.csv|1|{Time(t2)}",
                $"2|Smith; Jones & Co (paid)|-0.000000002|2026-03-01 23:59:59.999999+00|2026-03-05|orders/2026-03-01.csv|2|{Time(t2)}",
                $"3|Zoë Œuvre € 5|12.50|2026-03-01 00:00:00+00|2026-02-28|orders/2026-03-01.csv|3|{Time(t2)}",
                $"4|Ångström|0|2026-03-02 13:30:00+00|2026-03-04|orders/2026-03-02.csv|1|{Time(t1.AddMinutes(1))}",
            ],
            await OrdersAsync());
        Assert.Equal(
            [
                $"events/2026/03/01/app.jsonl|1|10|login-retry|2026-03-01 08:00:01+00|false|0.10|{{\"ip\": \"10.0.0.2\"}}|zoë|{Time(t2)}",
                $"events/2026/03/01/app.jsonl|2|2|logout|2026-03-01 07:30:00.5+00|false|12345678901234567890.123456789|<null>|<null>|{Time(t2)}",
                $"events/2026/03/02/eu/app.jsonl|1|3|login|2026-03-02 00:00:00+00|true|-7|[1, \"two\"]|Ünal|{Time(t1.AddMinutes(2))}",
            ],
            await EventsAsync());

        // The file that was still being written is read once it has settled (the clock an hour on).
        _clock.Shift = TimeSpan.FromHours(1);
        var settled = await SyncAsync("exports");
        Assert.Equal(["orders:1", "events:0"], settled.Select(s => $"{s.Stream}:{s.RowsRead}"));
        Assert.Equal(["1", "2", "3", "4", "5"], (await RowsAsync("SELECT id::text FROM exports.orders ORDER BY id")).Select(r => r[0]));
        Assert.Equal($"5|Late Ltd|5.5|2026-03-03 00:00:00+00|<null>|orders/2026-03-03.csv|1|{Time(late)}", (await OrdersAsync())[^1]);
    }

    [Fact]
    public async Task Local_lake_reads_a_parquet_file_from_the_Azurite_container_landing_through_its_connection_secret()
    {
        var connection = await AzuriteServer.ConnectionStringAsync();
        var container = new BlobContainerClient(connection, "landing");
        await container.CreateIfNotExistsAsync();
        var schema = new ParquetSchema(
            new DataField<long>("sale_id"),
            new DecimalDataField("amount", 28, 6, isNullable: true),
            new DateTimeDataField("sold_at", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true),
            new DataField<string>("store", true),
            new DataField<DateOnly?>("day"));
        using var parquet = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(schema, parquet))
        {
            using var rows = writer.CreateRowGroup();
            await rows.WriteAsync<long>(schema.DataFields[0], new long[] { 1001, 1002, 1003 });
            await rows.WriteAsync<decimal>(schema.DataFields[1], new decimal?[] { 1234567890123456789012.123456m, null, -0.000001m });
            await rows.WriteAsync<DateTime>(schema.DataFields[2], new DateTime?[] { new DateTime(2026, 3, 1, 9, 0, 0, DateTimeKind.Utc).AddTicks(1234560), new DateTime(2026, 3, 1, 23, 59, 59, DateTimeKind.Utc), null });
            await rows.WriteAsync(schema.DataFields[3], ["Zürich", null, "Lyon"]);
            await rows.WriteAsync<DateOnly>(schema.DataFields[4], new DateOnly?[] { new DateOnly(2026, 3, 1), new DateOnly(2026, 2, 28), null });
        }

        await container.UploadBlobAsync("sales/2026-03-01.parquet", BinaryData.FromBytes(parquet.ToArray()));
        await container.UploadBlobAsync("sales/2026-03-01.csv", BinaryData.FromString("sale_id\n1\n")); // not matched by sales/*.parquet
        await container.UploadBlobAsync("sales/2026/old.parquet", BinaryData.FromBytes(parquet.ToArray())); // nor this: * stays within a folder
        await _core.Get<ISecretStore>().SetAsync("local-lake-connection", connection, CancellationToken.None);
        await UpsertAsync(LoadDocumentedExample());
        // The blobs were just uploaded: the clock a minute on counts them as settled (default settleSeconds, 5).
        _clock.Shift = TimeSpan.FromMinutes(1);

        var summary = Assert.Single(await SyncAsync("local_lake"));

        Assert.True(summary.Status == RunStatus.Succeeded, $"{summary.Status} {summary.Error}");
        await AssertNothingQuarantinedAsync();
        Assert.Equal(3, summary.RowsRead);
        Assert.Equal(["sale_id:bigint", "amount:numeric", "sold_at:timestamp with time zone", "store:text", "day:date"], await ColumnsAsync("sales", "local_lake"));
        Assert.Equal(["_file", "_row"], await PrimaryKeyAsync("sales", "local_lake"));
        Assert.Equal(
            [
                "1001|1234567890123456789012.123456|2026-03-01 09:00:00.123456+00|Zürich|2026-03-01|sales/2026-03-01.parquet|1",
                "1002|<null>|2026-03-01 23:59:59+00|<null>|2026-02-28|sales/2026-03-01.parquet|2",
                "1003|-0.000001|<null>|Lyon|<null>|sales/2026-03-01.parquet|3",
            ],
            (await RowsAsync("SELECT sale_id::text, amount::text, sold_at::text, store, day::text, _file, _row::text FROM local_lake.sales ORDER BY _row")).Select(Row));
        await container.DeleteAsync();
    }

    /// <summary>The example's YAML, from the page: the one block marked <c>doc-test: files-example</c>.</summary>
    private static string DocumentedYaml()
    {
        var blocks = MarkdownCodeBlock.Read(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "plugins", "files.md")));
        var block = Assert.Single(blocks, b => b.Marker == "files-example");
        Assert.Equal("yaml", block.Language);
        return block.Text;
    }

    private List<SourceDefinition> LoadDocumentedExample()
    {
        var path = Path.Combine(_core.Directory, "daedalus.yaml");
        File.WriteAllText(path, DocumentedYaml());
        var environment = new Hashtable { ["DAEDALUS_CONFIG__sources__exports__settings__folder"] = _folder };
        return [.. _core.Get<ConfigLoader>().Load(path, null, environment)];
    }

    private async Task UpsertAsync(List<SourceDefinition> sources)
    {
        foreach (var source in sources)
        {
            await _core.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);
        }
    }

    private async Task<IReadOnlyList<StreamSummary>> SyncAsync(string source) =>
        await _core.Get<SyncRunner>().RunAsync([source], _core.Get<InProcessSink>(), "test", null, CancellationToken.None);

    /// <summary>A CSV as the example declares it: ';' separated, with a header, in windows-1252.</summary>
    private void WriteOrders(string name, DateTime modified, params string[] records) =>
        Write(name, modified, Windows1252.GetBytes("id;customer;amount;paid_at;shipped_on\r\n" + string.Join("\r\n", records) + "\r\n"));

    private void WriteEvents(string name, DateTime modified, params string[] lines) =>
        Write(name, modified, Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"));

    private void Write(string name, DateTime modified, byte[] content)
    {
        var path = Path.Combine(_folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        File.SetLastWriteTimeUtc(path, modified);
    }

    private static string Time(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "+00";

    private static string Row(string?[] values) => string.Join('|', values.Select(v => v ?? "<null>"));

    private async Task<List<string>> OrdersAsync() => [.. (await RowsAsync(
        "SELECT id::text, customer, amount::text, paid_at::text, shipped_on::text, _file, _row::text, _file_modified::text FROM exports.orders ORDER BY id")).Select(Row)];

    private async Task<List<string>> EventsAsync() => [.. (await RowsAsync(
        "SELECT _file, _row::text, event_id::text, kind, at::text, ok::text, value::text, meta::text, \"user\", _file_modified::text FROM exports.events ORDER BY _file, _row")).Select(Row)];

    private async Task<List<string>> ColumnsAsync(string table, string schema = "exports") => [.. (await RowsAsync(
        $"SELECT column_name || ':' || data_type FROM information_schema.columns WHERE table_schema = '{schema}' AND table_name = '{table}' AND column_name NOT LIKE '\\_%' ORDER BY ordinal_position")).Select(r => r[0]!)];

    private async Task<List<string>> PrimaryKeyAsync(string table, string schema = "exports") => [.. (await RowsAsync(
        $"SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = '{schema}.{table}'::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)")).Select(r => r[0]!)];

    /// <summary>Every quarantined record's stream and reason (none expected: a reason names the file, line and column).</summary>
    private async Task AssertNothingQuarantinedAsync()
    {
        var reasons = (await RowsAsync("SELECT source || '.' || stream || ': ' || reason FROM daedalus.quarantine ORDER BY id")).Select(r => r[0]).ToList();
        Assert.True(reasons.Count == 0, "quarantined:\n" + string.Join('\n', reasons));
    }

    /// <summary>Each row's columns as PostgreSQL prints them (time zone UTC), null as null.</summary>
    private async Task<List<string?[]>> RowsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SET TIME ZONE 'UTC'; " + sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string?[]>();
        while (await reader.ReadAsync())
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetString(i))]);
        }

        return rows;
    }
}
