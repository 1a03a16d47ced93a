using System.CommandLine;
using Spectre.Console;

namespace Daedalus.Cli.Commands;

/// <summary><c>daedalus status</c>: dependencies and source freshness. Exit 0 healthy, 3 degraded, 5 unhealthy.</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "Health of dependencies and freshness of each source");
        command.SetAction((parse, cancellationToken) => ApiCommand.RunAsync(parse, async (session, json) =>
        {
            var report = await session.Api.GetStatusAsync(cancellationToken);
            if (json)
            {
                ApiCommand.WriteJson(report);
            }
            else
            {
                AnsiConsole.MarkupLine($"status: {Colour(report.Status)}");
                var checks = new Table().Border(TableBorder.Rounded).AddColumns("dependency", "status", "ms", "detail");
                foreach (var c in report.Checks)
                {
                    checks.AddRow(Markup.Escape(c.Name), Colour(c.Status), $"{c.DurationMs:N0}", Markup.Escape(c.Detail ?? ""));
                }

                AnsiConsole.Write(checks);
                var sources = new Table().Border(TableBorder.Rounded).AddColumns("source", "state", "last success", "last run", "next expected", "lag");
                foreach (var s in report.Sources)
                {
                    sources.AddRow(
                        Markup.Escape(s.Name),
                        Colour(s.State),
                        s.LastSuccessAt?.UtcDateTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                        Markup.Escape(s.LastRunStatus ?? "-"),
                        s.NextExpectedAt?.UtcDateTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                        s.LagSeconds > 0 ? TimeSpan.FromSeconds(s.LagSeconds).ToString(@"d\.hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture) : "-");
                }

                AnsiConsole.Write(sources);
            }

            return report.Status switch
            {
                "healthy" => ExitCodes.Ok,
                "degraded" => ExitCodes.Partial,
                _ => ExitCodes.Unavailable,
            };
        }, cancellationToken));
        return command;
    }

    private static string Colour(string status) => status switch
    {
        "healthy" or "fresh" => $"[green]{status}[/]",
        "degraded" or "stale" or "never" or "absent" or "disabled" => $"[yellow]{status}[/]",
        _ => $"[red]{Markup.Escape(status)}[/]",
    };
}
