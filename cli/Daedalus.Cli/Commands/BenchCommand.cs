using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Daedalus.Cli.Benchmarks;
using Spectre.Console;

namespace Daedalus.Cli.Commands;

/// <summary>
/// <c>daedalus bench</c>: runs each scenario in its own child process (so peak memory is per scenario),
/// side by side in one run, and reports rows/s as ratios of raw COPY.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var rows = new Option<long>("--rows") { Description = "Rows for COPY, load and sync", DefaultValueFactory = _ => 1_000_000 };
        var insertRows = new Option<long>("--insert-rows") { Description = "Rows for the per-row INSERT baseline", DefaultValueFactory = _ => 20_000 };
        var memoryRows = new Option<long>("--memory-rows") { Description = "Also run sync at this size to show memory stays flat (0 = skip)", DefaultValueFactory = _ => 5_000_000 };
        var output = new Option<string?>("--markdown") { Description = "Also write the table as Markdown to this file" };
        var scenario = new Option<string?>("--scenario") { Description = "Run one scenario in this process and print its result as JSON", Hidden = true };
        var command = new Command("bench", "Benchmark the load path against raw COPY and per-row INSERT on this machine") { rows, insertRows, memoryRows, output, scenario };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(scenario) is { } single)
            {
                await using var provider = await CliHost.StartAsync(false, cancellationToken);
                var result = await new BenchScenarios(provider).RunAsync(single, parse.GetValue(rows), cancellationToken);
                Console.WriteLine(JsonSerializer.Serialize(result));
                return ExitCodes.Ok;
            }

            // Start (or reuse) the database once so children do not race to initialise it.
            await using (await CliHost.StartAsync(false, cancellationToken))
            {
            }

            var plan = new List<(string Scenario, long Rows)>
            {
                ("copy", parse.GetValue(rows)),
                ("insert", parse.GetValue(insertRows)),
                ("load", parse.GetValue(rows)),
                ("sync", parse.GetValue(rows)),
                ("files-csv", parse.GetValue(rows)),
                ("files-parquet", parse.GetValue(rows)),
            };
            // The queue path needs storage: the configured AzureWebJobsStorage, or Azurite from tools/azurite.
            using var azurite = await BenchAzurite.StartAsync(CliHost.Configuration()["AzureWebJobsStorage"], cancellationToken);
            if (azurite.ConnectionString is { } storage)
            {
                Environment.SetEnvironmentVariable("AzureWebJobsStorage", storage);
                plan.Add(("queue", parse.GetValue(rows)));
            }
            else
            {
                Console.Error.WriteLine("bench: queue path SKIPPED (no AzureWebJobsStorage and no tools/azurite/node_modules; run `npm ci` in tools/azurite)");
            }

            if (parse.GetValue(memoryRows) > 0)
            {
                plan.Add(("sync", parse.GetValue(memoryRows)));
            }

            var results = new List<BenchResult>();
            foreach (var (name, count) in plan)
            {
                Console.Error.WriteLine($"bench: {name} over {count:N0} rows...");
                results.Add(await RunChildAsync(name, count, cancellationToken));
            }

            var markdown = Render(results);
            Console.WriteLine(markdown);
            if (parse.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, markdown, cancellationToken);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<BenchResult> RunChildAsync(string scenario, long rows, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        foreach (var argument in new[] { "bench", "--scenario", scenario, "--rows", rows.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var text = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"bench scenario {scenario} failed ({process.ExitCode}): {text}");
        }

        return JsonSerializer.Deserialize<BenchResult>(text.Trim().Split('\n')[^1])!;
    }

    private static string Render(IReadOnlyList<BenchResult> results)
    {
        var copy = results.First(r => r.Scenario.StartsWith("A:", StringComparison.Ordinal)).RowsPerSecond;
        var builder = new StringBuilder();
        builder.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, .NET {Environment.Version}.");
        builder.AppendLine();
        builder.AppendLine("| scenario | rows | seconds | rows/s | vs raw COPY | peak memory |");
        builder.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            builder.AppendLine(CultureInfo.InvariantCulture, $"| {r.Scenario} | {r.Rows:N0} | {r.Seconds:N2} | {r.RowsPerSecond:N0} | {r.RowsPerSecond / copy:P0} | {r.PeakBytes / 1024.0 / 1024.0:N0} MB |");
        }

        AnsiConsole.WriteLine();
        return builder.ToString();
    }
}
