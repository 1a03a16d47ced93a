using Daedalus.Pipeline;
using Daedalus.Runs;
using Spectre.Console;

namespace Daedalus.Cli.Commands;

/// <summary>The closing table of a sync: one row per stream and a total.</summary>
public static class SummaryTable
{
    public static void Write(IReadOnlyList<StreamSummary> summaries)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("source", "stream", "status", "read", "loaded", "quarantined", "deleted", "stale", "batches", "duration", "rows/s");
        foreach (var column in table.Columns.Skip(3))
        {
            column.RightAligned();
        }

        foreach (var s in summaries)
        {
            table.AddRow(
                ConsoleCell.Plain(s.Source),
                ConsoleCell.Plain(s.Stream),
                s.Status == RunStatus.Skipped ? ConsoleCell.Coloured(s.Status.Name(), Color.Grey) : ConsoleCell.Status(s.Status),
                ConsoleCell.Plain($"{s.RowsRead:N0}"),
                ConsoleCell.Plain($"{s.RowsLoaded:N0}"),
                ConsoleCell.Plain($"{s.Quarantined:N0}"),
                ConsoleCell.Plain($"{s.Deleted:N0}"),
                ConsoleCell.Plain($"{s.Stale:N0}"),
                ConsoleCell.Plain($"{s.Batches:N0}"),
                ConsoleCell.Plain($"{s.Duration.TotalSeconds:N1}s"),
                ConsoleCell.Plain($"{s.RowsPerSecond:N0}"));
        }

        if (summaries.Count > 1)
        {
            var seconds = summaries.Sum(s => s.Duration.TotalSeconds);
            var read = summaries.Sum(s => s.RowsRead);
            table.AddRow("[bold]total[/]", "", "", $"{read:N0}", $"{summaries.Sum(s => s.RowsLoaded):N0}", $"{summaries.Sum(s => s.Quarantined):N0}",
                $"{summaries.Sum(s => s.Deleted):N0}", $"{summaries.Sum(s => s.Stale):N0}", $"{summaries.Sum(s => s.Batches):N0}", $"{seconds:N1}s", seconds > 0 ? $"{read / seconds:N0}" : "0");
        }

        AnsiConsole.Write(table);
        foreach (var failed in summaries.Where(s => s.Error is not null))
        {
            AnsiConsole.Write(ConsoleCell.Coloured($"{failed.Source}/{failed.Stream}", Color.Red));
            AnsiConsole.Write(ConsoleCell.Plain($": {failed.Error}"));
            AnsiConsole.WriteLine();
        }
    }
}
