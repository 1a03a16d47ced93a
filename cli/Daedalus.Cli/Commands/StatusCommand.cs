using System.CommandLine;
using Daedalus.Runs;
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
                AnsiConsole.Write("status: ");
                AnsiConsole.Write(ConsoleCell.Status(report.Status));
                AnsiConsole.WriteLine();
                var checks = new Table().Border(TableBorder.Rounded).AddColumns("dependency", "status", "ms", "detail");
                foreach (var c in report.Checks)
                {
                    checks.AddRow(ConsoleCell.Plain(c.Name), ConsoleCell.Status(c.Status), ConsoleCell.Plain($"{c.DurationMs:N0}"), ConsoleCell.Plain(c.Detail));
                }

                AnsiConsole.Write(checks);
                var sources = new Table().Border(TableBorder.Rounded).AddColumns("source", "state", "last success", "last run", "next expected", "lag");
                foreach (var s in report.Sources)
                {
                    sources.AddRow(
                        ConsoleCell.Plain(s.Name),
                        ConsoleCell.Status(s.State),
                        ConsoleCell.Plain(s.LastSuccessAt?.UtcDateTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "-"),
                        ConsoleCell.Plain(s.LastRunStatus?.Name() ?? "-"),
                        ConsoleCell.Plain(s.NextExpectedAt?.UtcDateTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "-"),
                        ConsoleCell.Plain(s.LagSeconds > 0 ? TimeSpan.FromSeconds(s.LagSeconds).ToString(@"d\.hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture) : "-"));
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
}
