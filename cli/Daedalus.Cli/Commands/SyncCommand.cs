using System.CommandLine;
using Daedalus.Application;
using Daedalus.Application.Runs;
using Daedalus.Client;
using Daedalus.Configuration;
using Daedalus.Pipeline;
using Daedalus.Runs;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Daedalus.Cli.Commands;

/// <summary><c>daedalus sync [source...]</c>: pull and load in this process, with live progress and a summary table.</summary>
public static class SyncCommand
{
    public static Command Create()
    {
        var sources = new Argument<string[]>("source") { Description = "Sources to sync (default: every enabled source)", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("sync", "Pull sources and load them into PostgreSQL now, in this process") { sources };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var json = parse.GetValue(CommonOptions.Json);
            await using var provider = await CliHost.StartAsync(parse.GetValue(CommonOptions.Verbose), cancellationToken, configure: services => services.AddDaedalusApplication());
            var runner = provider.GetRequiredService<SyncRunner>();
            var sink = provider.GetRequiredService<InProcessSink>();
            IReadOnlyList<StreamSummary> summaries;
            try
            {
                summaries = json || !AnsiConsole.Profile.Capabilities.Interactive
                    ? await runner.RunAsync(parse.GetValue(sources) ?? [], sink, "cli", json ? null : new LineProgress(), cancellationToken)
                    : await RunWithLiveProgressAsync(runner, sink, parse.GetValue(sources) ?? [], cancellationToken);
            }
            catch (ConfigException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return ExitCodes.InvalidInput;
            }

            if (json)
            {
                ApiCommand.WriteItems(await RunsOfAsync(provider.GetRequiredService<RunService>(), summaries, cancellationToken));
            }
            else
            {
                SummaryTable.Write(summaries);
            }

            return summaries.Any(s => s.Status == RunStatus.Failed) ? ExitCodes.Failed
                : summaries.Any(s => s.Status == RunStatus.Partial) ? ExitCodes.Partial
                : summaries.Count > 0 && summaries.All(s => s.Status == RunStatus.Skipped) ? ExitCodes.Skipped
                : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// The runs of this sync as the API answers them (<c>GET /api/v1/sources/{name}/runs/{id}</c>), so <c>sync --json</c>
    /// and <c>runs show --json</c> have one shape; a source skipped because another process holds its pull lock has no run
    /// row and is shown as a run with status <c>skipped</c> and the reason in <c>error</c>.
    /// </summary>
    private static async Task<IReadOnlyList<RunInfo>> RunsOfAsync(RunService runs, IReadOnlyList<StreamSummary> summaries, CancellationToken cancellationToken)
    {
        var result = new List<RunInfo>();
        foreach (var run in summaries.GroupBy(s => (s.RunId, s.Source)))
        {
            var stored = await runs.GetAsync(run.Key.Source, run.Key.RunId, cancellationToken);
            if (stored.IsOk)
            {
                result.Add(stored.Value);
                continue;
            }

            var now = DateTimeOffset.UtcNow;
            result.Add(new RunInfo(run.Key.RunId, run.Key.Source, "cli", RunStatus.Skipped, now, now, 0, 0, 0, 0, 0, 0, run.First().Error));
        }

        return result;
    }

    private static async Task<IReadOnlyList<StreamSummary>> RunWithLiveProgressAsync(SyncRunner runner, InProcessSink sink, string[] sources, CancellationToken cancellationToken)
    {
        IReadOnlyList<StreamSummary> result = [];
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new SpinnerColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                var progress = new Progress<SyncProgress>(p =>
                {
                    var key = $"{p.Source}/{p.Stream}";
                    if (!tasks.TryGetValue(key, out var task))
                    {
                        task = context.AddTask(Markup.Escape(key), maxValue: 1);
                        task.IsIndeterminate = true;
                        tasks[key] = task;
                    }

                    task.Description = $"{Markup.Escape(key)}: {p.RowsRead:N0} read, {p.RowsLoaded:N0} loaded, {p.Batches} batches";
                    if (p.Done)
                    {
                        task.IsIndeterminate = false;
                        task.Value = 1;
                        task.StopTask();
                    }
                });
                result = await runner.RunAsync(sources, sink, "cli", progress, cancellationToken);
            });
        return result;
    }

    /// <summary>Progress for logs and CI: a line per stream every few seconds and at the end.</summary>
    private sealed class LineProgress : IProgress<SyncProgress>
    {
        private readonly Dictionary<string, DateTime> _last = [];

        public void Report(SyncProgress value)
        {
            var key = $"{value.Source}/{value.Stream}";
            var now = DateTime.UtcNow;
            if (!value.Done && _last.TryGetValue(key, out var last) && now - last < TimeSpan.FromSeconds(2))
            {
                return;
            }

            _last[key] = now;
            Console.WriteLine($"{key}: {value.RowsRead:N0} read, {value.RowsLoaded:N0} loaded, {value.Batches} batches{(value.Done ? " (done)" : "")}");
        }
    }
}
