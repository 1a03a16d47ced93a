using Daedalus.Pipeline;
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
                Markup.Escape(s.Source),
                Markup.Escape(s.Stream),
                s.Status switch { "succeeded" => "[green]succeeded[/]", "partial" => "[yellow]partial[/]", "skipped" => "[grey]skipped[/]", _ => "[red]" + Markup.Escape(s.Status) + "[/]" },
                $"{s.RowsRead:N0}",
                $"{s.RowsLoaded:N0}",
                $"{s.Quarantined:N0}",
                $"{s.Deleted:N0}",
                $"{s.Stale:N0}",
                $"{s.Batches:N0}",
                $"{s.Duration.TotalSeconds:N1}s",
                $"{s.RowsPerSecond:N0}");
        }

        if (summaries.Count > 1)
        {
            var seconds = summaries.Sum(s => s.Duration.TotalSeconds);
            var read = summaries.Sum(s => s.RowsRead);
            table.AddRow("[bold]total[/]", "", "", $"{read:N0}", $"{summaries.Sum(s => s.RowsLoaded):N0}", $"{summaries.Sum(s => s.Quarantined):N0}",
                $"{summaries.Sum(s => s.Deleted):N0}", $"{summaries.Sum(s => s.Stale):N0}", $"{summaries.Sum(s => s.Batches):N0}", $"{seconds:N1}s", seconds > 0 ? $"{read / seconds:N0}" : "0");
        }

        if (Console.IsOutputRedirected)
        {
            // Logs and CI: don't squeeze the table into the default 80 columns.
            AnsiConsole.Profile.Width = 160;
        }

        AnsiConsole.Write(table);
        foreach (var failed in summaries.Where(s => s.Error is not null))
        {
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(failed.Source)}/{Markup.Escape(failed.Stream)}[/]: {Markup.Escape(failed.Error!)}");
        }
    }
}
