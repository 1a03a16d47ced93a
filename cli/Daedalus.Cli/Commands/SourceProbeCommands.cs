using System.CommandLine;
using Spectre.Console;

namespace Daedalus.Cli.Commands;

/// <summary><c>daedalus sources check|discover</c>: ask a source's plugin about its streams, loading nothing.</summary>
public static class SourceProbeCommands
{
    /// <summary><c>sources check &lt;name&gt;</c>: exit 0 when every stream is reachable, 1 otherwise.</summary>
    public static Command Check(Argument<string> name)
    {
        var command = new Command("check", "Reach each stream with the configured credentials, loading nothing") { name };
        command.SetAction((parse, cancellationToken) => ApiCommand.RunAsync(parse, async (session, json) =>
        {
            var report = await session.Api.CheckSourceAsync(parse.GetValue(name)!, cancellationToken);
            if (json)
            {
                ApiCommand.WriteJson(report);
            }
            else
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumns("stream", "ok", "message");
                foreach (var s in report.Streams)
                {
                    table.AddRow(ConsoleCell.Plain(s.Stream), s.Ok ? ConsoleCell.Coloured("ok", Color.Green) : ConsoleCell.Coloured("failed", Color.Red), ConsoleCell.Plain(s.Message));
                }

                AnsiConsole.Write(table);
            }

            return report.Ok ? ExitCodes.Ok : ExitCodes.Failed;
        }, cancellationToken));
        return command;
    }

    /// <summary><c>sources discover &lt;name&gt;</c>: the source as config YAML with the settings that pin its columns (or the report as JSON).</summary>
    public static Command Discover(Argument<string> name)
    {
        var command = new Command("discover", "The streams and columns the source offers: the source as config YAML with its column types pinned, ready to replace its entry") { name };
        command.SetAction((parse, cancellationToken) => ApiCommand.RunAsync(parse, async (session, json) =>
        {
            var report = await session.Api.DiscoverSourceAsync(parse.GetValue(name)!, cancellationToken);
            if (json)
            {
                ApiCommand.WriteJson(report);
            }
            else
            {
                Console.Write(DiscoveredYaml.Write(report, await session.Api.GetSourceAsync(report.Source, cancellationToken)));
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }
}
