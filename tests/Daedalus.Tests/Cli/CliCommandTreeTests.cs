using System.Text.Json;
using System.Text.RegularExpressions;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Cli;

/// <summary>
/// Every command of the real <c>daedalus</c> command tree runs in a test. The tree is walked through the built CLI's
/// own <c>--help</c> (so every command's help runs too), and each leaf command must have an entry in
/// <see cref="Cases"/>: a new command without one fails <see cref="Every_leaf_of_the_command_tree_has_a_case"/>. Each
/// case runs in local mode on its own fresh PostgreSQL database, with Azurite for the queues, after the setup it needs,
/// and must end with exit code 0 or the refusal code its command documents.
/// </summary>
public sealed partial class CliCommandTreeTests
{
    private const string Config = """
        version: 1
        sources:
          demo:
            plugin: sample
            settings: { customers: 30 }
            streams:
              customers: { target: { schema: demo, table: customers }, protect: { email: encrypt } }
              invoices: { target: { schema: demo, table: invoices } }
        """;

    private static readonly string[] Apply = ["sources", "apply", "config/daedalus.yaml"];
    private static readonly string[] Sync = ["sync", "demo"];

    /// <summary>A leaf command: its arguments (<c>{id}</c> is the <c>id</c> a JSON setup step printed), what runs first, and the exit code it must end with.</summary>
    private sealed record CliCase(string[] Args, int ExitCode = 0, string[][]? Setup = null, IReadOnlyDictionary<string, string>? Environment = null);

    private static readonly IReadOnlyDictionary<string, CliCase> Cases = new Dictionary<string, CliCase>(StringComparer.Ordinal)
    {
        ["sync"] = new(Sync, Setup: [Apply]),
        // serve runs until stopped (ServeTests stop it); here its documented refusal: a configuration error is exit code 2.
        ["serve"] = new(["serve", "--urls", "http://127.0.0.1:0"], ExitCode: 2, Environment: new Dictionary<string, string> { ["AzureWebJobsStorage"] = "not a connection string" }),
        ["sources list"] = new(["sources", "list"], Setup: [Apply]),
        ["sources show"] = new(["sources", "show", "demo"], Setup: [Apply]),
        ["sources apply"] = new(Apply),
        ["sources export"] = new(["sources", "export", "-o", "exported.yaml"], Setup: [Apply]),
        ["sources enable"] = new(["sources", "enable", "demo"], Setup: [Apply]),
        ["sources disable"] = new(["sources", "disable", "demo"], Setup: [Apply]),
        ["sources reset"] = new(["sources", "reset", "demo", "customers"], Setup: [Apply, Sync]),
        ["sources delete"] = new(["sources", "delete", "demo"], Setup: [Apply]),
        ["sources check"] = new(["sources", "check", "demo"], Setup: [Apply]),
        ["sources discover"] = new(["sources", "discover", "demo"], Setup: [Apply]),
        ["runs list"] = new(["runs", "list"], Setup: [Apply, Sync]),
        ["runs trigger"] = new(["runs", "trigger", "demo", "--wait"], Setup: [Apply]),
        ["runs events"] = new(["runs", "events", "demo", "{id}"], Setup: [Apply, ["runs", "trigger", "demo", "--wait", "--json"]]),
        // A finished run: the documented refusal (7, conflict) proves the command reached the run.
        ["runs cancel"] = new(["runs", "cancel", "{id}"], ExitCode: 7, Setup: [Apply, ["runs", "trigger", "demo", "--wait", "--json"]]),
        ["decrypt"] = new(["decrypt", "demo", "customers", "-c", "email", "--limit", "3"], Setup: [Apply, Sync]),
        ["status"] = new(["status"], Setup: [Apply]),
        ["batches poison"] = new(["batches", "poison"]),
        ["batches replay"] = new(["batches", "replay", "--all"]),
        ["catalog list"] = new(["catalog", "list"], Setup: [Apply, Sync]),
        ["catalog show"] = new(["catalog", "show", "demo.customers"], Setup: [Apply, Sync]),
        ["keys create"] = new(["keys", "create", "--name", "script", "--scope", "read"]),
        ["keys list"] = new(["keys", "list"], Setup: [["keys", "create", "--name", "script", "--scope", "read"]]),
        ["keys revoke"] = new(["keys", "revoke", "{id}"], Setup: [["keys", "create", "--name", "script", "--scope", "read", "--json"]]),
        ["column-keys rotate"] = new(["column-keys", "rotate"]),
        ["db migrate"] = new(["db", "migrate"]),
        ["db seed"] = new(["db", "seed", "--customers", "20"]),
        ["bench"] = new(["bench", "--rows", "2000", "--insert-rows", "100", "--memory-rows", "0", "--scenarios", "copy"]),
        ["bench-api"] = new(["bench-api", "--connections", "2", "--seconds", "1", "--sources", "1"]),
    };

    public static TheoryData<string> Commands => [.. Cases.Keys];

    [Fact]
    public async Task Every_leaf_of_the_command_tree_has_a_case()
    {
        var directory = Directory.CreateTempSubdirectory("daedalus-cli-tree").FullName;
        try
        {
            var leaves = new List<string>();
            var pending = new Queue<string[]>([[]]);
            while (pending.Count > 0)
            {
                var level = pending.ToList();
                pending.Clear();
                var helps = await Task.WhenAll(level.Select(path => CliProcess.RunAsync(new Dictionary<string, string>(), directory, [.. path, "--help"])));
                for (var i = 0; i < level.Count; i++)
                {
                    var name = string.Join(' ', level[i]);
                    Assert.True(helps[i].ExitCode == 0, $"daedalus {name} --help: {helps[i].Error}");
                    Assert.Contains("Usage:", helps[i].Output, StringComparison.Ordinal);
                    var children = Subcommands(helps[i].Output);
                    if (children.Count == 0)
                    {
                        leaves.Add(name);
                    }

                    foreach (var child in children)
                    {
                        pending.Enqueue([.. level[i], child]);
                    }
                }
            }

            Assert.True(leaves.Count >= 20, "walked only: " + string.Join(", ", leaves));
            Assert.Equal(Cases.Keys.Order(StringComparer.Ordinal), leaves.Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Every_leaf_command_runs_in_local_mode(string command)
    {
        var @case = Cases[command];
        var directory = Directory.CreateTempSubdirectory("daedalus-cli-run").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(directory, "config"));
            await File.WriteAllTextAsync(Path.Combine(directory, "config", "daedalus.yaml"), Config);
            var queue = AzuriteServer.UniqueQueueName("cli");
            var environment = new Dictionary<string, string>
            {
                ["Daedalus__Database__ConnectionString"] = await PostgresServer.CreateDatabaseAsync("cli_tree"),
                ["Daedalus__Security__KeyFile"] = Path.Combine(directory, "keys.json"),
                ["Daedalus__Security__SecretFile"] = Path.Combine(directory, "secrets.json"),
                ["AzureWebJobsStorage"] = await AzuriteServer.ConnectionStringAsync(),
                ["Daedalus__Queue__Name"] = queue,
                ["Daedalus__Queue__PullName"] = queue + "-pull",
            };
            foreach (var (name, value) in @case.Environment ?? new Dictionary<string, string>())
            {
                environment[name] = value;
            }

            string? id = null;
            foreach (var step in @case.Setup ?? [])
            {
                var done = await CliProcess.RunAsync(environment, directory, step);
                Assert.True(done.ExitCode == 0, $"setup daedalus {string.Join(' ', step)}: {done.ExitCode}\n{done.Error}\n{done.Output}");
                if (step.Contains("--json"))
                {
                    using var json = JsonDocument.Parse(done.Output);
                    id = json.RootElement.GetProperty("id").ToString();
                }
            }

            var args = @case.Args.Select(a => a == "{id}" ? id ?? throw new InvalidOperationException("no setup step printed an id") : a).ToArray();
            var result = await CliProcess.RunAsync(environment, directory, args);

            Assert.True(result.ExitCode == @case.ExitCode, $"daedalus {string.Join(' ', args)} ended with {result.ExitCode}, expected {@case.ExitCode}\n{result.Error}\n{result.Output}");
            Assert.DoesNotContain("Unhandled exception", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The command names in the "Commands:" section of System.CommandLine's help (entries start two spaces in; wrapped descriptions further).</summary>
    private static List<string> Subcommands(string help)
    {
        var names = new List<string>();
        var inCommands = false;
        foreach (var line in help.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (line.StartsWith("Commands:", StringComparison.Ordinal))
            {
                inCommands = true;
                continue;
            }

            if (inCommands && line.Length == 0)
            {
                break;
            }

            if (inCommands && CommandEntry().Match(line) is { Success: true } entry)
            {
                names.Add(entry.Groups[1].Value);
            }
        }

        return names;
    }

    [GeneratedRegex(@"^  ([a-z][a-z0-9-]*)(?:\s|$)")]
    private static partial Regex CommandEntry();
}
