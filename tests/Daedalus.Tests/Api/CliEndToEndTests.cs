using System.Text.Json;
using Daedalus.Client;
using Daedalus.Runs;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Api;

/// <summary>
/// The <c>daedalus</c> CLI as a user runs it (a child process), against a running API server on loopback:
/// every command goes through the typed client, exit codes are meaningful, <c>--json</c> parses.
/// </summary>
public sealed class CliEndToEndTests : IAsyncLifetime
{
    private ApiServer _server = null!;
    private string _directory = null!;
    private Dictionary<string, string> _remote = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync("api_cli");
        _directory = Path.Combine(Path.GetTempPath(), "daedalus-tests", "cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(_directory, "config"));
        await File.WriteAllTextAsync(Path.Combine(_directory, "config", "daedalus.yaml"), """
            version: 1
            sources:
              demo:
                plugin: sample
                schedule: "0 */5 * * * *"
                settings: { customers: 200 }
                streams:
                  customers: { target: { schema: demo, table: customers } }
                  invoices: { target: { schema: demo, table: invoices } }
            """);
        await File.WriteAllTextAsync(Path.Combine(_directory, "config", "broken.yaml"), """
            version: 1
            sources:
              demo:
                plugin: sample
                schedule: "whenever"
                streams:
                  customers: {}
            """);
        _remote = new() { ["DAEDALUS_API_URL"] = _server.Address.ToString(), ["DAEDALUS_API_KEY"] = _server.WriteKey };
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private Task<CliProcess.Result> Cli(params string[] args) => CliProcess.RunAsync(_remote, _directory, args);

    [Fact]
    public async Task Apply_list_disable_trigger_history_reset_export_and_status_through_the_api()
    {
        var apply = await Cli("sources", "apply", "config/daedalus.yaml");
        Assert.True(apply.ExitCode == 0, apply.Error);
        Assert.Contains("created demo", apply.Output, StringComparison.Ordinal);
        Assert.Contains("updated demo", (await Cli("sources", "apply", "config/daedalus.yaml")).Output, StringComparison.Ordinal);

        var list = await Cli("sources", "list", "--json");
        Assert.Equal(0, list.ExitCode);
        Assert.Equal("demo", Assert.Single(JsonSerializer.Deserialize<ItemList<SourceSpec>>(list.Output, DaedalusJson.Options)!.Items).Name);
        Assert.Contains("demo", (await Cli("sources", "list")).Output, StringComparison.Ordinal);

        Assert.Equal(0, (await Cli("sources", "disable", "demo")).ExitCode);
        Assert.False((await _server.Client(_server.ReadKey).GetSourceAsync("demo")).Enabled);
        Assert.Equal(0, (await Cli("sources", "enable", "demo")).ExitCode);

        var trigger = await Cli("runs", "trigger", "demo", "--wait", "--json");
        Assert.True(trigger.ExitCode == 0, trigger.Error);
        var run = JsonSerializer.Deserialize<RunInfo>(trigger.Output, DaedalusJson.Options)!;
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(600, run.RowsRead);

        var history = await Cli("runs", "list", "demo", "--json");
        Assert.Contains(JsonSerializer.Deserialize<ItemList<RunInfo>>(history.Output, DaedalusJson.Options)!.Items, r => r.Id == run.Id);

        var events = await Cli("runs", "events", "demo", run.Id.ToString(), "--json");
        Assert.True(events.ExitCode == 0, events.Error);
        var recorded = JsonSerializer.Deserialize<ItemList<RunEventInfo>>(events.Output, DaedalusJson.Options)!.Items;
        Assert.Equal("run.finished", recorded[^1].Kind);
        Assert.Equal(run.RowsLoaded, recorded.Where(e => e.Kind == "batch.loaded").Sum(e => e.Detail.GetProperty("loaded").GetInt64()));
        var eventTable = await Cli("runs", "events", "demo", run.Id.ToString());
        Assert.True(eventTable.ExitCode == 0, eventTable.Error);
        Assert.Contains("batch.loaded", eventTable.Output, StringComparison.Ordinal);
        Assert.Contains("run.finished", eventTable.Output, StringComparison.Ordinal);
        Assert.Contains(recorded.First(e => e.BatchId is not null).BatchId!, eventTable.Output, StringComparison.Ordinal);
        Assert.Equal(4, (await Cli("runs", "events", "demo", Guid.NewGuid().ToString())).ExitCode);

        var reset = await Cli("sources", "reset", "demo", "customers");
        Assert.Equal(0, reset.ExitCode);
        Assert.Contains("forgotten", reset.Output, StringComparison.Ordinal);

        var exported = Path.Combine(_directory, "exported.yaml");
        Assert.Equal(0, (await Cli("sources", "export", "-o", exported)).ExitCode);
        Assert.Contains("demo:", await File.ReadAllTextAsync(exported), StringComparison.Ordinal);
        Assert.Contains("plugin: sample", (await Cli("sources", "show", "demo")).Output, StringComparison.Ordinal);

        var status = await Cli("status", "--json");
        Assert.Equal(0, status.ExitCode);
        Assert.Equal("healthy", JsonSerializer.Deserialize<StatusReport>(status.Output, DaedalusJson.Options)!.Status);
    }

    [Fact]
    public async Task Errors_have_meaningful_exit_codes_and_messages()
    {
        var broken = await Cli("sources", "apply", "config/broken.yaml");
        Assert.Equal(2, broken.ExitCode);
        Assert.Contains("broken.yaml:5", broken.Error, StringComparison.Ordinal);
        Assert.Contains("schedule", broken.Error, StringComparison.Ordinal);

        var missing = await Cli("sources", "show", "nope");
        Assert.Equal(4, missing.ExitCode);
        Assert.Contains("404", missing.Error, StringComparison.Ordinal);

        var denied = await CliProcess.RunAsync(new Dictionary<string, string> { ["DAEDALUS_API_URL"] = _server.Address.ToString(), ["DAEDALUS_API_KEY"] = "dk_000000000000_nope" }, _directory, "sources", "list");
        Assert.Equal(6, denied.ExitCode);
        Assert.Contains("401", denied.Error, StringComparison.Ordinal);

        var readOnly = await CliProcess.RunAsync(new Dictionary<string, string> { ["DAEDALUS_API_URL"] = _server.Address.ToString(), ["DAEDALUS_API_KEY"] = _server.ReadKey }, _directory, "sources", "disable", "demo");
        Assert.Equal(6, readOnly.ExitCode);

        var noQueue = await Cli("batches", "poison");
        Assert.Equal(5, noQueue.ExitCode);

        var unreachable = await CliProcess.RunAsync(new Dictionary<string, string> { ["DAEDALUS_API_URL"] = "http://127.0.0.1:9/" }, _directory, "status");
        Assert.Equal(5, unreachable.ExitCode);
        Assert.Contains("cannot reach the API", unreachable.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_are_created_and_revoked_on_the_database_without_an_existing_key()
    {
        var local = new Dictionary<string, string> { ["Daedalus__Database__ConnectionString"] = _server.ConnectionString };
        var created = await CliProcess.RunAsync(local, _directory, "keys", "create", "--name", "script", "--scope", "read", "--json");
        Assert.True(created.ExitCode == 0, created.Error);
        using var json = JsonDocument.Parse(created.Output);
        var key = json.RootElement.GetProperty("key").GetString()!;
        var id = json.RootElement.GetProperty("id").GetString()!;

        Assert.NotNull(await _server.Client(key).ListSourcesAsync());

        // `keys list` crashed on main (Dapper could not build ApiKeyInfo from snake_case columns).
        var listed = await CliProcess.RunAsync(local, _directory, "keys", "list", "--json");
        Assert.True(listed.ExitCode == 0, listed.Error);
        using (var keys = JsonDocument.Parse(listed.Output))
        {
            var entry = Assert.Single(keys.RootElement.GetProperty("items").EnumerateArray(), k => k.GetProperty("id").GetString() == id);
            Assert.Equal("script", entry.GetProperty("name").GetString());
            Assert.Equal(["read"], entry.GetProperty("scopes").EnumerateArray().Select(e => e.GetString()));
            Assert.DoesNotContain(key, listed.Output, StringComparison.Ordinal);
        }

        var table = await CliProcess.RunAsync(local, _directory, "keys", "list");
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains(id, table.Output, StringComparison.Ordinal);

        Assert.Equal(0, (await CliProcess.RunAsync(local, _directory, "keys", "revoke", id)).ExitCode);
        Assert.Equal(4, (await CliProcess.RunAsync(local, _directory, "keys", "revoke", id)).ExitCode);
        var revoked = await Assert.ThrowsAsync<DaedalusApiException>(() => _server.Client(key).ListSourcesAsync());
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, revoked.StatusCode);
    }

    [Fact]
    public async Task Without_an_api_url_the_cli_calls_the_services_in_process_over_the_local_database()
    {
        var local = new Dictionary<string, string> { ["Daedalus__Database__ConnectionString"] = _server.ConnectionString };
        var apply = await CliProcess.RunAsync(local, _directory, "sources", "apply", "config/daedalus.yaml");
        Assert.True(apply.ExitCode == 0, apply.Error);
        var trigger = await CliProcess.RunAsync(local, _directory, "runs", "trigger", "demo", "--json");
        Assert.True(trigger.ExitCode == 0, trigger.Error);
        Assert.Equal(RunStatus.Succeeded, JsonSerializer.Deserialize<RunInfo>(trigger.Output, DaedalusJson.Options)!.Status);
        Assert.Contains("cli", await _server.ScalarAsync<string>("SELECT string_agg(trigger, ',') FROM daedalus.runs"), StringComparison.Ordinal);
        Assert.Equal("cli", await _server.ScalarAsync<string>("SELECT actor FROM daedalus.audit_log WHERE action = 'source.create' AND target = 'demo'"));

        var catalog = await CliProcess.RunAsync(local, _directory, "catalog", "list", "--json");
        Assert.True(catalog.ExitCode == 0, catalog.Error);
        var tables = JsonSerializer.Deserialize<ItemList<CatalogTable>>(catalog.Output, DaedalusJson.Options)!.Items;
        Assert.Equal(["demo.customers", "demo.invoices"], tables.Select(t => $"{t.Schema}.{t.Table}"));
        Assert.Equal(200, tables[0].RowCount);

        var show = await CliProcess.RunAsync(local, _directory, "catalog", "show", "demo.customers");
        Assert.True(show.ExitCode == 0, show.Error);
        Assert.Contains("_daedalus_loaded_at", show.Output, StringComparison.Ordinal);
        Assert.Equal(4, (await CliProcess.RunAsync(local, _directory, "catalog", "show", "demo.nope")).ExitCode);
        Assert.Equal(2, (await CliProcess.RunAsync(local, _directory, "catalog", "show", "nodot")).ExitCode);
    }

    [Fact]
    public async Task User_text_in_tables_is_printed_literally_not_as_console_markup()
    {
        // A trigger like "api:key:39dc…" printed as markup became "api🔑39dc…"; brackets could garble or break the table.
        var id = await _server.ScalarAsync<Guid>("""
            INSERT INTO daedalus.runs (id, source, trigger, status, started_at, finished_at, error)
            VALUES (gen_random_uuid(), 'marked', 'api:key:39dc[x]', 'failed', now() - interval '1 minute', now(), 'upstream said [red]no[/] :rocket: [/')
            RETURNING id
            """);

        var table = await Cli("runs", "list", "marked");
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains(id.ToString(), table.Output, StringComparison.Ordinal);
        Assert.Contains("api:key:39dc[x]", table.Output, StringComparison.Ordinal);
        Assert.Contains("upstream said [red]no[/] :rocket: [/", table.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\U0001F511", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_and_discover_ask_the_plugin_and_say_when_it_cannot()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "config", "probes.yaml"), """
            version: 1
            sources:
              demo:
                plugin: sample
                settings: { customers: 20 }
                streams:
                  customers: { target: { schema: demo, table: customers } }
                  invoices: { target: { schema: demo, table: invoices } }
              boards:
                plugin: monday
                enabled: false
                secrets: { token: monday-token }
                streams:
                  projects:
                    mode: incremental
                    target: { schema: monday, table: projects }
                    settings: { boardId: "1234" }
            """);
        var apply = await Cli("sources", "apply", "config/probes.yaml");
        Assert.True(apply.ExitCode == 0, apply.Error + apply.Output);

        var check = await Cli("sources", "check", "demo", "--json");
        Assert.True(check.ExitCode == 0, check.Error);
        var report = JsonSerializer.Deserialize<SourceCheckReport>(check.Output, DaedalusJson.Options)!;
        Assert.True(report.Ok);
        Assert.Equal(["customers", "invoices"], report.Streams.Select(s => s.Stream));
        Assert.All(report.Streams, s => Assert.True(s.Ok, s.Message));
        var checkTable = await Cli("sources", "check", "demo");
        Assert.Contains("generated in this process", checkTable.Output, StringComparison.Ordinal);

        var discovered = await Cli("sources", "discover", "demo");
        Assert.True(discovered.ExitCode == 0, discovered.Error);
        // What discover prints is a config file: it parses, holds the source, names both streams and fills the key.
        var yaml = new YamlDotNet.RepresentationModel.YamlStream();
        yaml.Load(new StringReader(discovered.Output));
        static YamlDotNet.RepresentationModel.YamlMappingNode Map(YamlDotNet.RepresentationModel.YamlNode node, string key) =>
            (YamlDotNet.RepresentationModel.YamlMappingNode)((YamlDotNet.RepresentationModel.YamlMappingNode)node).Children[key];
        var streams = Map(Map(Map(yaml.Documents[0].RootNode, "sources"), "demo"), "streams");
        Assert.Equal(["customers", "invoices"], streams.Children.Keys.Select(k => k.ToString()));
        var key = (YamlDotNet.RepresentationModel.YamlSequenceNode)Map(streams, "customers").Children["primaryKey"];
        Assert.Equal(["id"], key.Children.Select(k => k.ToString()));
        var json = JsonSerializer.Deserialize<SourceDiscoveryReport>((await Cli("sources", "discover", "demo", "--json")).Output, DaedalusJson.Options)!;
        Assert.Contains(json.Streams[0].Columns, c => c.Name == "id");

        foreach (var verb in new[] { "check", "discover" })
        {
            var unsupported = await Cli("sources", verb, "boards");
            Assert.Equal(2, unsupported.ExitCode);
            Assert.Contains("not supported by plugin 'monday'", unsupported.Error, StringComparison.Ordinal);
            Assert.Equal(4, (await Cli("sources", verb, "nope")).ExitCode);
        }

        using var http = _server.Http(_server.WriteKey);
        using var post = await http.PostAsync("/api/v1/sources/boards/check", null);
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, post.StatusCode);
        using var readOnly = _server.Http(_server.ReadKey);
        using var denied = await readOnly.GetAsync("/api/v1/sources/demo/discover");
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, denied.StatusCode);
    }

    [Fact]
    public async Task Runs_list_without_a_source_lists_every_sources_runs_newest_first()
    {
        await _server.ScalarAsync<int>("""
            INSERT INTO daedalus.runs (id, source, trigger, status, started_at, finished_at) VALUES
                ('00000000-0000-0000-0000-00000000000a', 'alpha', 'schedule', 'succeeded', now() - interval '3 hours', now() - interval '3 hours'),
                ('00000000-0000-0000-0000-00000000000b', 'beta', 'cli', 'failed', now() - interval '1 hour', now() - interval '1 hour'),
                ('00000000-0000-0000-0000-00000000000c', 'alpha', 'schedule', 'partial', now() - interval '2 hours', now() - interval '2 hours');
            SELECT 1
            """);

        var all = await Cli("runs", "list", "--json");
        Assert.True(all.ExitCode == 0, all.Error);
        var runs = JsonSerializer.Deserialize<ItemList<RunInfo>>(all.Output, DaedalusJson.Options)!.Items;
        Assert.Equal(["beta", "alpha", "alpha"], runs.Select(r => r.Source));
        Assert.Equal(["b", "c", "a"], runs.Select(r => r.Id.ToString()[^1..]));
        Assert.Equal(2, JsonSerializer.Deserialize<ItemList<RunInfo>>((await Cli("runs", "list", "-n", "2", "--json")).Output, DaedalusJson.Options)!.Items.Count);
        Assert.Equal(["alpha", "alpha"], (await _server.Client(_server.ReadKey).ListRunsAsync("alpha")).Select(r => r.Source));

        var table = await Cli("runs", "list");
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("source", table.Output, StringComparison.Ordinal);
        Assert.True(table.Output.IndexOf("beta", StringComparison.Ordinal) < table.Output.IndexOf("alpha", StringComparison.Ordinal));

        Assert.Equal(3, (await _server.Client(_server.ReadKey).ListAllRunsAsync(10)).Count);
        Assert.Equal(2, (await Cli("runs", "list", "-n", "0")).ExitCode);
    }

    [Theory]
    [InlineData("sources")]
    [InlineData("sources apply")]
    [InlineData("sources reset")]
    [InlineData("runs trigger")]
    [InlineData("runs list")]
    [InlineData("runs events")]
    [InlineData("sources check")]
    [InlineData("sources discover")]
    [InlineData("status")]
    [InlineData("batches replay")]
    [InlineData("keys create")]
    [InlineData("catalog show")]
    public async Task Every_command_has_help(string command)
    {
        var help = await Cli([.. command.Split(' '), "--help"]);
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Usage:", help.Output, StringComparison.Ordinal);
    }
}
