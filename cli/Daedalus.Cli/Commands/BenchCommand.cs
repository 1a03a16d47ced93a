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
/// side by side in one run, and reports rows/s as ratios of raw COPY. Every scenario that loads checks its own
/// result (row counts and a checksum of the target table against the source) and the bench fails if one differs.
/// </summary>
public static class BenchCommand
{
    private static readonly string[] DefaultScenarios = ["copy", "insert", "load", "sync", "update-all", "update-some", "files-csv", "files-parquet", "queue", "sync-large"];

    public static Command Create()
    {
        var rows = new Option<long>("--rows") { Description = "Rows for COPY, load, sync, the update path and the queue", DefaultValueFactory = _ => 1_000_000 };
        var insertRows = new Option<long>("--insert-rows") { Description = "Rows for the per-row INSERT baseline", DefaultValueFactory = _ => 20_000 };
        var memoryRows = new Option<long>("--memory-rows") { Description = "Also run sync at this size to show memory stays flat (0 = skip)", DefaultValueFactory = _ => 5_000_000 };
        var queueWorkers = new Option<string?>("--queue-workers") { Description = "Also measure the queue drained by this many worker processes, e.g. 1,2,4 (the queue is filled first)" };
        var only = new Option<string?>("--scenarios") { Description = $"Run only these scenarios, comma-separated (default: {string.Join(",", DefaultScenarios)}); copy always runs, as the baseline" };
        var output = new Option<string?>("--markdown") { Description = "Also write the table as Markdown to this file" };
        var scenario = new Option<string?>("--scenario") { Description = "Run one scenario in this process and print its result as JSON", Hidden = true };
        var workers = new Option<int>("--workers") { Description = "Worker processes for the queue-workers scenario", Hidden = true, DefaultValueFactory = _ => 1 };
        var queue = new Option<string?>("--queue") { Description = "Queue a drain child works on", Hidden = true };
        var command = new Command("bench", "Benchmark the load, update and queue paths against raw COPY and per-row INSERT on this machine")
        {
            rows, insertRows, memoryRows, queueWorkers, only, output, scenario, workers, queue,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(scenario) is { } single)
            {
                await using var provider = await CliHost.StartAsync(false, cancellationToken);
                var result = await new BenchScenarios(provider).RunAsync(single, parse.GetValue(rows), parse.GetValue(workers), parse.GetValue(queue), cancellationToken);
                var gc = GC.GetGCMemoryInfo();
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"bench {single}: GC gen0/1/2 collections {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, allocated {GC.GetTotalAllocatedBytes() / 1048576} MB, heap after last GC {gc.HeapSizeBytes / 1048576} MB (fragmented {gc.FragmentedBytes / 1048576} MB), committed {gc.TotalCommittedBytes / 1048576} MB, pause {GC.GetTotalPauseDuration().TotalSeconds:N2} s"));
                Console.WriteLine(JsonSerializer.Serialize(result));
                return ExitCodes.Ok;
            }

            // Start (or reuse) the database once so children do not race to initialise it.
            await using (await CliHost.StartAsync(false, cancellationToken))
            {
            }

            var selected = (parse.GetValue(only)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? DefaultScenarios).ToHashSet(StringComparer.Ordinal);
            var n = parse.GetValue(rows);
            var plan = new List<(string Scenario, long Rows, int Workers)> { ("copy", n, 1) };
            void Add(string name, long count, int processes = 1)
            {
                if (selected.Contains(name) && count > 0)
                {
                    plan.Add((name, count, processes));
                }
            }

            Add("insert", parse.GetValue(insertRows));
            Add("load", n);
            Add("sync", n);
            Add("update-all", n);
            Add("update-some", n);
            Add("files-csv", n);
            Add("files-parquet", n);

            // The queue path needs storage: the configured AzureWebJobsStorage, or Azurite from tools/azurite.
            var scale = parse.GetValue(queueWorkers)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToList() ?? [];
            using var azurite = await BenchAzurite.StartAsync(CliHost.Configuration()["AzureWebJobsStorage"], cancellationToken);
            if (azurite.ConnectionString is { } storage)
            {
                Environment.SetEnvironmentVariable("AzureWebJobsStorage", storage);
                Add("queue", n);
                foreach (var count in scale)
                {
                    plan.Add(("queue-workers", n, count));
                }
            }
            else if (selected.Contains("queue") || scale.Count > 0)
            {
                Console.Error.WriteLine("bench: queue path SKIPPED (no AzureWebJobsStorage and no tools/azurite/node_modules; run `npm ci` in tools/azurite)");
            }

            if (selected.Contains("sync-large") && parse.GetValue(memoryRows) > 0)
            {
                plan.Add(("sync", parse.GetValue(memoryRows), 1));
            }

            var loadBefore = LoadAverage();
            var results = new List<BenchResult>();
            foreach (var (name, count, processes) in plan)
            {
                Console.Error.WriteLine($"bench: {name}{(name == "queue-workers" ? $" ({processes})" : "")} over {count:N0} rows... (load average {LoadAverage()})");
                results.Add(await RunChildAsync(name, count, processes, null, cancellationToken));
            }

            var markdown = Render(results, loadBefore, LoadAverage());
            Console.WriteLine(markdown);
            if (parse.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, markdown, cancellationToken);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Runs one scenario in a child process of this executable and reads its JSON result; throws when it fails (a failed self-check included).</summary>
    public static async Task<BenchResult> RunChildAsync(string scenario, long rows, int workers, string? queue, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (string.Equals(Path.GetFileNameWithoutExtension(Environment.ProcessPath), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            // Started as `dotnet daedalus.dll`: the child needs the assembly too, not just the host.
            start.ArgumentList.Add(typeof(BenchCommand).Assembly.Location);
        }

        var arguments = new List<string> { "bench", "--scenario", scenario, "--rows", rows.ToString(CultureInfo.InvariantCulture), "--workers", workers.ToString(CultureInfo.InvariantCulture) };
        if (queue is not null)
        {
            arguments.AddRange(["--queue", queue]);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var text = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"bench scenario {scenario} FAILED ({process.ExitCode}): {text}");
        }

        return JsonSerializer.Deserialize<BenchResult>(text.Trim().Split('\n')[^1])!;
    }

    /// <summary>The 1-, 5- and 15-minute load averages (other work on the machine moves every figure).</summary>
    private static string LoadAverage()
    {
        const string path = "/proc/loadavg";
        return File.Exists(path) ? string.Join(" / ", File.ReadAllText(path).Split(' ').Take(3)) : "n/a";
    }

    private static string Render(IReadOnlyList<BenchResult> results, string loadBefore, string loadAfter)
    {
        var copy = results.First(r => r.Scenario.StartsWith("A:", StringComparison.Ordinal)).RowsPerSecond;
        var builder = new StringBuilder();
        builder.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, .NET {Environment.Version}; load average before {loadBefore}, after {loadAfter}.");
        builder.AppendLine();
        builder.AppendLine("| scenario | rows | seconds | rows/s | vs raw COPY | peak memory | client CPU µs/row | PostgreSQL CPU µs/row | client GC | self-check |");
        builder.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|---|");
        string PerRow(double? seconds, long count) => seconds is { } s && count > 0 ? (s * 1e6 / count).ToString("N1", CultureInfo.InvariantCulture) : "-";
        foreach (var r in results)
        {
            builder.AppendLine(CultureInfo.InvariantCulture, $"| {r.Scenario} | {r.Rows:N0} | {r.Seconds:N2} | {r.RowsPerSecond:N0} | {r.RowsPerSecond / copy:P0} | {r.PeakBytes / 1024.0 / 1024.0:N0} MB | {PerRow(r.ClientCpuSeconds, r.Rows)} | {PerRow(r.PostgresCpuSeconds, r.Rows)} | {r.Gc ?? "-"} | {r.Verified ?? "-"} |");
        }

        // The most any scenario can do here: every core busy with its work (client + PostgreSQL CPU per row), no
        // waiting. Throughput above that needs less CPU per row, not better overlap.
        var measured = results.Where(r => r is { ClientCpuSeconds: > 0, PostgresCpuSeconds: > 0, Rows: > 0 }).ToList();
        if (measured.Count > 0)
        {
            builder.AppendLine();
            builder.AppendLine(CultureInfo.InvariantCulture, $"The CPU ceiling on {Environment.ProcessorCount} cores (client + PostgreSQL CPU per row, every core busy, no waiting):");
            builder.AppendLine();
            builder.AppendLine("| scenario | CPU µs/row | ceiling rows/s | ceiling vs raw COPY | reached |");
            builder.AppendLine("|---|---:|---:|---:|---:|");
            foreach (var r in measured)
            {
                var perRow = (r.ClientCpuSeconds!.Value + r.PostgresCpuSeconds!.Value) * 1e6 / r.Rows;
                var ceiling = Environment.ProcessorCount * 1e6 / perRow;
                builder.AppendLine(CultureInfo.InvariantCulture, $"| {r.Scenario} | {perRow:N1} | {ceiling:N0} | {ceiling / copy:P0} | {r.RowsPerSecond / ceiling:P0} |");
            }
        }

        var staged = results.Where(r => r.Stages is { Count: > 0 }).ToList();
        if (staged.Count > 0)
        {
            string[] order = ["ledger", "probe", "copy", "stage", "wait", "merge", "bookkeeping", "commit", "settle"];
            builder.AppendLine();
            builder.AppendLine("Where the loads spent their time (µs per row, wall time of each stage summed over batches):");
            builder.AppendLine();
            builder.AppendLine($"| scenario | {string.Join(" | ", order)} |");
            builder.AppendLine($"|---|{string.Concat(order.Select(_ => "---:|"))}");
            foreach (var r in staged)
            {
                var cells = order.Select(o => r.Stages!.TryGetValue(o, out var seconds) ? (seconds * 1e6 / Math.Max(1, r.Rows)).ToString("N1", CultureInfo.InvariantCulture) : "-");
                builder.AppendLine(CultureInfo.InvariantCulture, $"| {r.Scenario} | {string.Join(" | ", cells)} |");
            }
        }

        var queued = results.Where(r => r.Storage is not null).ToList();
        if (queued.Count > 0)
        {
            builder.AppendLine();
            builder.AppendLine("Storage cost of the queue path (per million rows; every REST call is a billed transaction):");
            builder.AppendLine();
            builder.AppendLine("| scenario | queue messages | storage transactions | blob bytes written | envelope bytes/row (JSON) | stored bytes/row (gzip) |");
            builder.AppendLine("|---|---:|---:|---:|---:|---:|");
            foreach (var r in queued)
            {
                var s = r.Storage!;
                var perMillion = 1_000_000.0 / Math.Max(1, r.Rows);
                builder.AppendLine(CultureInfo.InvariantCulture,
                    $"| {r.Scenario} | {s.MessagesSent * perMillion:N0} | {s.Transactions * perMillion:N0} | {s.BlobBytesWritten * perMillion / 1024 / 1024:N1} MB | {(double)s.EnvelopeBytes / Math.Max(1, r.Rows):N1} | {(double)s.StoredBytes / Math.Max(1, r.Rows):N1} |");
            }
        }

        AnsiConsole.WriteLine();
        return builder.ToString();
    }
}
