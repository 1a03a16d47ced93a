using System.CommandLine;
using Daedalus.Client;
using Daedalus.Runs;
using Spectre.Console;

namespace Daedalus.Cli.Commands;

/// <summary><c>daedalus runs list|trigger|events|cancel</c>: sync history, "pull now", what happened in a run, and cancelling one, through the API.</summary>
public static class RunsCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "Source name" };
        var limit = new Option<int>("--limit", "-n") { Description = "How many runs, newest first", DefaultValueFactory = _ => 20 };
        var anySource = new Argument<string?>("source") { Description = "Source name (all sources when left out)", Arity = ArgumentArity.ZeroOrOne };
        var status = new Option<string?>("--status", "-s") { Description = "Only runs with this status" };
        status.AcceptOnlyFromAmong([.. RunStatuses.All]);
        var list = new Command("list", "Sync history of a source, or of all sources") { anySource, limit, status };
        list.SetAction((parse, cancellationToken) => ApiCommand.RunAsync(parse, async (session, json) =>
        {
            var only = parse.GetValue(anySource);
            // The option accepts only RunStatuses.All, so this parse cannot fail.
            var filter = parse.GetValue(status) is { } name ? RunStatuses.Parse(name) : (RunStatus?)null;
            var runs = only is null
                ? await session.Api.ListAllRunsAsync(parse.GetValue(limit), filter, cancellationToken)
                : await session.Api.ListRunsAsync(only, parse.GetValue(limit), filter, cancellationToken);
            if (json)
            {
                ApiCommand.WriteItems(runs);
            }
            else
            {
                Write(runs, withSource: only is null);
            }

            return ExitCodes.Ok;
        }, cancellationToken));

        var wait = new Option<bool>("--wait", "-w") { Description = "Wait for the run to finish and exit with its outcome (always so without --api-url, as the run lives in this process)" };
        var trigger = new Command("trigger", "Pull a source now") { source, wait };
        trigger.SetAction((parse, cancellationToken) => ApiCommand.RunAsync(parse, async (session, json) =>
        {
            var name = parse.GetValue(source)!;
            var accepted = await session.Api.TriggerRunAsync(name, cancellationToken);
            if (!parse.GetValue(wait) && !session.IsLocal)
            {
                if (json)
                {
                    ApiCommand.WriteJson(accepted);
                }
                else
                {
                    Console.WriteLine($"run {accepted.RunId} of {name} started: {accepted.Location}");
                }

                return ExitCodes.Ok;
            }

            var run = await session.Api.GetRunAsync(name, accepted.RunId, cancellationToken);
            while (!run.Status.IsFinished())
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
                run = await session.Api.GetRunAsync(name, accepted.RunId, cancellationToken);
            }

            if (json)
            {
                ApiCommand.WriteJson(run);
            }
            else
            {
                Write([run]);
            }

            return run.Status switch
            {
                RunStatus.Succeeded => ExitCodes.Ok,
                RunStatus.Partial => ExitCodes.Partial,
                RunStatus.Skipped => ExitCodes.Conflict,
                _ => ExitCodes.Failed,
            };
        }, cancellationToken));

        var runId = new Argument<Guid>("run-id") { Description = "Run id (see runs list)" };
        var eventLimit = new Option<int>("--limit", "-n") { Description = "At most this many events, oldest first (all by default; read page by page)", DefaultValueFactory = _ => int.MaxValue };
        var events = new Command("events", "What happened in a run, in order") { source, runId, eventLimit };
        events.SetAction((parse, cancellationToken) => ApiCommand.RunAsync(parse, async (session, json) =>
        {
            var recorded = await session.Api.ListRunEventsAsync(parse.GetValue(source)!, parse.GetValue(runId), parse.GetValue(eventLimit), cancellationToken);
            if (json)
            {
                ApiCommand.WriteItems(recorded);
            }
            else
            {
                WriteEvents(recorded);
            }

            return ExitCodes.Ok;
        }, cancellationToken));

        var cancelId = new Argument<Guid>("run-id") { Description = "Run id (see runs list); the source is found from it" };
        var cancel = new Command("cancel", "Cancel a queued run at once, or stop a running pull at its next batch boundary (what it enqueued still loads)") { cancelId, wait };
        cancel.SetAction((parse, cancellationToken) => ApiCommand.RunAsync(parse, async (session, json) =>
        {
            var run = await session.Api.CancelRunAsync(parse.GetValue(cancelId), cancellationToken);
            while (parse.GetValue(wait) && !run.Status.IsFinished())
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
                run = await session.Api.GetRunAsync(run.Source, run.Id, cancellationToken);
            }

            if (json)
            {
                ApiCommand.WriteJson(run);
            }
            else
            {
                Console.WriteLine(run.Status == RunStatus.Cancelled
                    ? $"run {run.Id} of {run.Source} cancelled"
                    : $"run {run.Id} of {run.Source}: cancel requested; it is {run.Status.Name()} and stops at its next batch boundary (follow it with runs list, or pass --wait)");
            }

            return run.Status is RunStatus.Cancelled || !run.Status.IsFinished() ? ExitCodes.Ok : ExitCodes.Failed;
        }, cancellationToken));

        return new Command("runs", "Sync runs: history, triggering, events and cancelling") { list, trigger, events, cancel };
    }

    private static void WriteEvents(IReadOnlyList<RunEventInfo> events)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("at", "kind", "stream", "batch", "detail");
        foreach (var e in events)
        {
            table.AddRow(
                ConsoleCell.Plain(e.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture)),
                e.Kind.EndsWith("poisoned", StringComparison.Ordinal) || e.Kind.EndsWith("lost", StringComparison.Ordinal) ? ConsoleCell.Coloured(e.Kind, Color.Red) : ConsoleCell.Plain(e.Kind),
                ConsoleCell.Plain(e.Stream ?? ""),
                ConsoleCell.Plain(e.BatchId ?? ""),
                ConsoleCell.Plain(e.Detail.ValueKind == System.Text.Json.JsonValueKind.Object ? e.Detail.GetRawText() : ""));
        }

        AnsiConsole.Write(table);
    }

    private static void Write(IReadOnlyList<RunInfo> runs, bool withSource = false)
    {
        var table = new Table().Border(TableBorder.Rounded);
        if (withSource)
        {
            table.AddColumn("source");
        }

        table.AddColumns("run", "trigger", "status", "started", "read", "loaded", "quarantined", "batches", "duration", "error");
        foreach (var column in table.Columns.Skip(withSource ? 5 : 4).Take(5))
        {
            column.RightAligned();
        }

        foreach (var r in runs)
        {
            IEnumerable<Spectre.Console.Rendering.IRenderable> cells = [
                ConsoleCell.Plain(r.Id.ToString()),
                ConsoleCell.Plain(r.Trigger),
                ConsoleCell.Status(r.Status),
                ConsoleCell.Plain(r.StartedAt.UtcDateTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture)),
                ConsoleCell.Plain($"{r.RowsRead:N0}"),
                ConsoleCell.Plain($"{r.RowsLoaded:N0}"),
                ConsoleCell.Plain($"{r.RowsQuarantined:N0}"),
                ConsoleCell.Plain($"{r.Batches:N0}"),
                ConsoleCell.Plain(r.DurationSeconds is { } d ? $"{d:N1}s" : ""),
                ConsoleCell.Plain(r.Error)];
            table.AddRow(withSource ? [ConsoleCell.Plain(r.Source), .. cells] : [.. cells]);
        }

        AnsiConsole.Write(table);
    }
}
