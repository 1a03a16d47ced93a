using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Daedalus.Client;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Sources.Probes;

/// <summary>
/// <c>daedalus sources check</c> and <c>sources discover</c> for the <c>files</c> plugin, as a user runs them (the CLI as
/// a child process over a real PostgreSQL): a local folder and a real Azurite container, per-stream answers, a refused
/// storage key named by its status and never printed, and discovered YAML whose types match the files and that
/// applies and syncs as is.
/// </summary>
public sealed class FilesProbeCliTests : IAsyncLifetime
{
    private CoreServices _core = null!;
    private string _directory = null!;
    private string _folder = null!;
    private BlobContainerClient _container = null!;
    private string _connection = null!;
    private string _wrongConnection = null!;
    private string _wrongKey = null!;

    public async Task InitializeAsync()
    {
        _core = await CoreServices.StartAsync("filesprobe");
        _directory = Path.Combine(_core.Directory, "cli");
        _folder = Path.Combine(_core.Directory, "drop");
        Directory.CreateDirectory(Path.Combine(_directory, "config"));
        Directory.CreateDirectory(Path.Combine(_folder, "orders"));
        Directory.CreateDirectory(Path.Combine(_folder, "events"));
        var old = DateTime.UtcNow.AddMinutes(-5);
        await File.WriteAllBytesAsync(Path.Combine(_folder, "orders", "2026-03-01.csv"), [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(
            "id;Customer Name;amount;paid_at;shipped_on;express\r\n"
            + "1;\"Ada\r\nLovelace\";12.50;2026-03-01T10:00:00+05:30;2026-03-02;true\n"
            + "2;\"Grace \"\"Amazing\"\" Hopper\";1234567890123456789012345678.1234567890;2026-03-01 08:00:00Z;;false\r\n"
            + "3;Linus;-0.000001;2026-03-01T00:00:00Z;2026-03-04;\n")]);
        await File.WriteAllTextAsync(Path.Combine(_folder, "events", "a.jsonl"), "{\"id\": 1, \"kind\": \"open\", \"at\": \"2026-03-01T10:00:00Z\", \"tags\": [\"x\"]}\n{\"id\": 2, \"kind\": \"007\", \"at\": \"2026-03-01T11:00:00Z\", \"tags\": {\"k\": 1}}\n");
        File.SetLastWriteTimeUtc(Path.Combine(_folder, "orders", "2026-03-01.csv"), old);
        File.SetLastWriteTimeUtc(Path.Combine(_folder, "events", "a.jsonl"), old);

        _connection = await AzuriteServer.ConnectionStringAsync();
        _container = new BlobContainerClient(_connection, AzuriteServer.UniqueQueueName("probe"));
        await _container.CreateAsync();
        await _container.UploadBlobAsync("sales/2026-03-01.csv", BinaryData.FromString("sale_id,amount,sold_at\n10,99.95,2026-03-01T09:00:00Z\n11,0.05,2026-03-01T09:30:00Z\n"));
        _wrongKey = Convert.ToBase64String(Encoding.ASCII.GetBytes("not-the-account-key-of-devstoreaccount1-0123456789"));
        _wrongConnection = System.Text.RegularExpressions.Regex.Replace(_connection, "AccountKey=[^;]+", "AccountKey=" + _wrongKey);
        Assert.NotEqual(_connection, _wrongConnection);

        await File.WriteAllTextAsync(Path.Combine(_directory, "config", "daedalus.yaml"), $$"""
            version: 1
            sources:
              drops:
                plugin: files
                settings:
                  folder: {{_folder}}
                streams:
                  orders:
                    primaryKey: [id]
                    target: { schema: drops, table: orders }
                    settings:
                      pattern: "orders/*.csv"
                      delimiter: ";"
                  events:
                    target: { schema: drops, table: events }
                    settings:
                      pattern: "events/*.jsonl"
                  later:
                    target: { schema: drops, table: later }
                    settings:
                      pattern: "later/*.csv"
              lake:
                plugin: files
                settings:
                  container: {{_container.Name}}
                secrets:
                  connection: lake-connection
                streams:
                  sales:
                    primaryKey: [sale_id]
                    target: { schema: lake, table: sales }
                    settings:
                      pattern: "sales/*.csv"
            """);
    }

    public async Task DisposeAsync()
    {
        await _container.DeleteIfExistsAsync();
        await _core.DisposeAsync();
    }

    [Fact]
    public async Task Check_answers_per_stream_for_a_folder_and_a_container_and_a_refused_key_fails_with_its_status_and_is_never_printed()
    {
        var applied = await Cli(_connection, "sources", "apply", "config/daedalus.yaml");
        Assert.True(applied.ExitCode == 0, applied.Error);

        var folder = await Cli(_connection, "sources", "check", "drops", "--json");
        Assert.True(folder.ExitCode == 0, folder.Output + folder.Error);
        var report = JsonSerializer.Deserialize<SourceCheckReport>(folder.Output, DaedalusJson.Options)!;
        Assert.True(report.Ok);
        Assert.Equal(["orders", "events", "later"], report.Streams.Select(s => s.Stream));
        Assert.All(report.Streams, s => Assert.True(s.Ok, s.Message));
        Assert.StartsWith("1 file(s) match orders/*.csv in folder ", report.Streams[0].Message, StringComparison.Ordinal);
        Assert.EndsWith("has 6 column(s)", report.Streams[0].Message, StringComparison.Ordinal);
        Assert.EndsWith("has 4 column(s)", report.Streams[1].Message, StringComparison.Ordinal);
        Assert.EndsWith("is reachable; no file matches later/*.csv yet", report.Streams[2].Message, StringComparison.Ordinal);

        var lake = await Cli(_connection, "sources", "check", "lake", "--json");
        Assert.True(lake.ExitCode == 0, lake.Output + lake.Error);
        var sales = Assert.Single(JsonSerializer.Deserialize<SourceCheckReport>(lake.Output, DaedalusJson.Options)!.Streams);
        Assert.True(sales.Ok, sales.Message);
        Assert.Equal($"1 file(s) match sales/*.csv in container {_container.Name}; the newest, sales/2026-03-01.csv", sales.Message[..sales.Message.IndexOf(" (", StringComparison.Ordinal)]);

        var refused = await Cli(_wrongConnection, "sources", "check", "lake", "--json");
        Assert.Equal(1, refused.ExitCode);
        var denied = Assert.Single(JsonSerializer.Deserialize<SourceCheckReport>(refused.Output, DaedalusJson.Options)!.Streams);
        Assert.False(denied.Ok);
        Assert.Contains("403", denied.Message, StringComparison.Ordinal);

        var table = await Cli(_wrongConnection, "sources", "check", "lake");
        Assert.Equal(1, table.ExitCode);
        Assert.Contains("failed", table.Output, StringComparison.Ordinal);
        Assert.Contains("403", table.Output, StringComparison.Ordinal);

        // A folder that is not there fails its streams.
        Directory.Move(_folder, _folder + "-moved");
        var gone = await Cli(_connection, "sources", "check", "drops", "--json");
        Directory.Move(_folder + "-moved", _folder);
        Assert.Equal(1, gone.ExitCode);
        Assert.All(JsonSerializer.Deserialize<SourceCheckReport>(gone.Output, DaedalusJson.Options)!.Streams, s => Assert.False(s.Ok));

        foreach (var output in new[] { folder, lake, refused, table })
        {
            Assert.DoesNotContain(_wrongKey, output.Output + output.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("AccountKey", output.Output + output.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("Lovelace", output.Output + output.Error, StringComparison.Ordinal);
        }

        Assert.Equal(0L, await _core.ScalarAsync<long>("SELECT count(*) FROM information_schema.tables WHERE table_schema IN ('drops', 'lake')"));
    }

    [Fact]
    public async Task Discover_prints_a_config_whose_inferred_types_match_the_files_and_which_applies_and_syncs_as_is()
    {
        var applied = await Cli(_connection, "sources", "apply", "config/daedalus.yaml");
        Assert.True(applied.ExitCode == 0, applied.Error);

        foreach (var name in new[] { "drops", "lake" })
        {
            var discover = await Cli(_connection, "sources", "discover", name);
            Assert.True(discover.ExitCode == 0, discover.Output + discover.Error);
            Assert.DoesNotContain("AccountKey", discover.Output, StringComparison.Ordinal);
            await File.WriteAllTextAsync(Path.Combine(_directory, "config", $"{name}.yaml"), discover.Output);
            var reapplied = await Cli(_connection, "sources", "apply", $"config/{name}.yaml");
            Assert.True(reapplied.ExitCode == 0, discover.Output + reapplied.Error);
        }

        var drops = JsonSerializer.Deserialize<SourceSpec>((await Cli(_connection, "sources", "show", "drops", "--json")).Output, DaedalusJson.Options)!;
        Assert.Equal("id:integer, customer_name:text, amount:decimal, paid_at:timestamp, shipped_on:date, express:boolean", drops.Streams["orders"]!.Settings!["columns"]);
        Assert.Equal(";", drops.Streams["orders"]!.Settings!["delimiter"]);
        Assert.Equal(["id"], drops.Streams["orders"]!.PrimaryKey);
        Assert.Equal("id:integer, kind:text, at:timestamp, tags:json", drops.Streams["events"]!.Settings!["columns"]);
        var lake = JsonSerializer.Deserialize<SourceSpec>((await Cli(_connection, "sources", "show", "lake", "--json")).Output, DaedalusJson.Options)!;
        Assert.Equal("sale_id:integer, amount:decimal, sold_at:timestamp", lake.Streams["sales"]!.Settings!["columns"]);
        Assert.Equal("lake-connection", lake.Secrets!["connection"]);

        foreach (var name in new[] { "drops", "lake" })
        {
            var sync = await Cli(_connection, "sync", name, "--json");
            Assert.True(sync.ExitCode == 0, sync.Output + sync.Error);
        }

        Assert.Equal(
            ["1|Ada\r\nLovelace|12.50|2026-03-01 04:30:00+00|2026-03-02|true", "2|Grace \"Amazing\" Hopper|1234567890123456789012345678.1234567890|2026-03-01 08:00:00+00||false", "3|Linus|-0.000001|2026-03-01 00:00:00+00|2026-03-04|"],
            await _core.TextRowsAsync("SELECT id || '|' || customer_name || '|' || amount || '|' || paid_at || '|' || coalesce(shipped_on::text, '') || '|' || coalesce(express::text, '') FROM drops.orders ORDER BY id"));
        Assert.Equal(["1|open|[\"x\"]", "2|007|{\"k\": 1}"], await _core.TextRowsAsync("SELECT id || '|' || kind || '|' || tags FROM drops.events ORDER BY id"));
        Assert.Equal(["10|99.95|2026-03-01 09:00:00+00", "11|0.05|2026-03-01 09:30:00+00"], await _core.TextRowsAsync("SELECT sale_id || '|' || amount || '|' || sold_at FROM lake.sales ORDER BY sale_id"));
        Assert.Equal(
            ["amount:numeric", "customer_name:text", "express:boolean", "id:bigint", "paid_at:timestamp with time zone", "shipped_on:date"],
            await _core.TextRowsAsync("SELECT column_name || ':' || data_type FROM information_schema.columns WHERE table_schema = 'drops' AND table_name = 'orders' AND column_name NOT LIKE '\\_%' ORDER BY column_name"));
    }

    private Task<CliProcess.Result> Cli(string connection, params string[] args) => CliProcess.RunAsync(
        new Dictionary<string, string>
        {
            ["Daedalus__Database__ConnectionString"] = _core.ConnectionString,
            ["DAEDALUS_SECRET_LAKE_CONNECTION"] = connection,
        },
        _directory,
        args);
}
