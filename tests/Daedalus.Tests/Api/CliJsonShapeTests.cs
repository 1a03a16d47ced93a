using System.Text.Json;
using Daedalus.Client;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Api;

/// <summary>
/// One JSON shape per resource: for each resource the CLI prints with <c>--json</c> (local mode, over the same database),
/// the property names and JSON value kinds equal those of the API's answer for the same thing, lists included
/// (<c>{"items": [...]}</c>), and durations are <c>durationSeconds</c> numbers.
/// </summary>
public sealed class CliJsonShapeTests : IAsyncLifetime
{
    private ApiServer _server = null!;
    private string _directory = null!;
    private Dictionary<string, string> _local = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync("api_shape");
        _directory = Path.Combine(Path.GetTempPath(), "daedalus-tests", "shape-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(_directory, "config"));
        await File.WriteAllTextAsync(Path.Combine(_directory, "config", "daedalus.yaml"), """
            version: 1
            sources:
              demo:
                plugin: sample
                schedule: "0 */5 * * * *"
                settings: { customers: 40 }
                streams:
                  customers: { target: { schema: demo, table: customers } }
                  invoices: { target: { schema: demo, table: invoices } }
            """);
        _local = new()
        {
            ["Daedalus__Database__ConnectionString"] = _server.ConnectionString,
            ["Daedalus__Security__KeyFile"] = Path.Combine(_directory, "keys.json"),
            ["Daedalus__Security__SecretFile"] = Path.Combine(_directory, "secrets.json"),
        };
        _http = _server.Http(_server.WriteKey);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Every_cli_json_output_has_the_shape_of_the_api_answer_for_the_same_resource()
    {
        Assert.Equal(0, (await Cli("sources", "apply", "config/daedalus.yaml")).ExitCode);

        using var synced = await CliJson("sync", "demo", "--json");
        var syncedRun = Assert.Single(synced.RootElement.GetProperty("items").EnumerateArray());
        var runId = Guid.Parse(syncedRun.GetProperty("id").GetString()!);
        Assert.Equal(JsonValueKind.Number, syncedRun.GetProperty("durationSeconds").ValueKind);
        Assert.False(syncedRun.TryGetProperty("duration", out _));
        using var triggered = await CliJson("runs", "trigger", "demo", "--wait", "--json");
        var triggeredId = Guid.Parse(triggered.RootElement.GetProperty("id").GetString()!);

        var pairs = new (string Resource, string[] Cli, string Api, Func<JsonElement, JsonElement> Pick)[]
        {
            ("sync --json (a run)", ["sync", "demo", "--json"], ApiPaths.Run("demo", runId), e => e.GetProperty("items")[0]),
            ("runs trigger --wait", ["runs", "trigger", "demo", "--wait", "--json"], ApiPaths.Run("demo", triggeredId), e => e),
            ("sources list", ["sources", "list", "--json"], ApiPaths.Sources, e => e),
            ("sources show", ["sources", "show", "demo", "--json"], ApiPaths.Source("demo"), e => e),
            ("runs list (source)", ["runs", "list", "demo", "--json"], ApiPaths.Runs("demo"), e => e),
            ("runs list (all)", ["runs", "list", "--json"], ApiPaths.AllRuns, e => e),
            ("runs events", ["runs", "events", "demo", runId.ToString(), "--json"], ApiPaths.RunEvents("demo", runId), e => e),
            ("status", ["status", "--json"], ApiPaths.Status, e => e),
            ("catalog list", ["catalog", "list", "--json"], ApiPaths.Catalog, e => e),
            ("catalog show", ["catalog", "show", "demo.customers", "--json"], ApiPaths.CatalogTable("demo", "customers"), e => e),
            ("sources check", ["sources", "check", "demo", "--json"], ApiPaths.SourceCheck("demo"), e => e),
            ("sources discover", ["sources", "discover", "demo", "--json"], ApiPaths.SourceDiscover("demo"), e => e),
        };
        var differences = new List<string>();
        foreach (var (resource, cli, api, pick) in pairs)
        {
            using var printed = await CliJson(cli);
            using var answered = await ApiJson(api, post: resource == "sources check");
            Compare(resource, "$", pick(printed.RootElement), answered.RootElement, differences);
        }

        Assert.True(differences.Count == 0, string.Join(Environment.NewLine, differences));
    }

    [Fact]
    public void The_shape_comparison_notices_a_renamed_property_a_kind_change_and_a_bare_list()
    {
        var differences = new List<string>();
        using var a = JsonDocument.Parse("""{"items":[{"durationSeconds":0.9,"id":"x"}]}""");
        using var renamed = JsonDocument.Parse("""{"items":[{"duration":"00:00:00.90","id":"x"}]}""");
        using var kind = JsonDocument.Parse("""{"items":[{"durationSeconds":"0.9","id":"x"}]}""");
        using var bare = JsonDocument.Parse("""[{"durationSeconds":0.9,"id":"x"}]""");

        Compare("renamed", "$", renamed.RootElement, a.RootElement, differences);
        Compare("kind", "$", kind.RootElement, a.RootElement, differences);
        Compare("bare", "$", bare.RootElement, a.RootElement, differences);
        Compare("same", "$", a.RootElement, a.RootElement, differences);

        Assert.Equal(3, differences.Select(d => d.Split(':')[0]).Distinct().Count());
        Assert.DoesNotContain(differences, d => d.StartsWith("same", StringComparison.Ordinal));
    }

    /// <summary>Same property names (exact casing) and value kinds; arrays compare their first elements; null matches anything (the values may differ).</summary>
    private static void Compare(string resource, string path, JsonElement cli, JsonElement api, List<string> differences)
    {
        if (cli.ValueKind == JsonValueKind.Null || api.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (Kind(cli.ValueKind) != Kind(api.ValueKind))
        {
            differences.Add($"{resource}: {path} is {cli.ValueKind} in the CLI, {api.ValueKind} in the API");
            return;
        }

        if (cli.ValueKind == JsonValueKind.Object)
        {
            var cliNames = cli.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var apiNames = api.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var name in cliNames.Except(apiNames).Order(StringComparer.Ordinal))
            {
                differences.Add($"{resource}: {path}.{name} is in the CLI's JSON only");
            }

            foreach (var name in apiNames.Except(cliNames).Order(StringComparer.Ordinal))
            {
                differences.Add($"{resource}: {path}.{name} is in the API's JSON only");
            }

            foreach (var name in cliNames.Intersect(apiNames))
            {
                Compare(resource, $"{path}.{name}", cli.GetProperty(name), api.GetProperty(name), differences);
            }
        }
        else if (cli.ValueKind == JsonValueKind.Array && cli.GetArrayLength() > 0 && api.GetArrayLength() > 0)
        {
            Compare(resource, $"{path}[0]", cli[0], api[0], differences);
        }
    }

    private static JsonValueKind Kind(JsonValueKind kind) => kind == JsonValueKind.False ? JsonValueKind.True : kind;

    private Task<CliProcess.Result> Cli(params string[] args) => CliProcess.RunAsync(_local, _directory, args);

    private async Task<JsonDocument> CliJson(params string[] args)
    {
        var result = await Cli(args);
        Assert.True(result.ExitCode == 0, $"daedalus {string.Join(' ', args)}: {result.Error}");
        return JsonDocument.Parse(result.Output);
    }

    private async Task<JsonDocument> ApiJson(string path, bool post)
    {
        using var response = post ? await _http.PostAsync(path, null) : await _http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }
}
