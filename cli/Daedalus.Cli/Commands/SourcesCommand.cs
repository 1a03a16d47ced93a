using System.CommandLine;
using Daedalus.Api;
using Daedalus.Client;
using Daedalus.Configuration;
using Daedalus.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Daedalus.Cli.Commands;

/// <summary>
/// <c>daedalus sources list|show|apply|export|enable|disable|reset|delete</c>, through the API. <c>apply</c>
/// validates the YAML locally first so errors point at file:line, then PUTs each source.
/// </summary>
public static class SourcesCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "Source name" };
        return new Command("sources", "Configured sources: the database is the runtime truth, YAML goes in with apply and out with export")
        {
            List(),
            Show(name),
            Apply(),
            Export(),
            SetEnabled(name, true),
            SetEnabled(name, false),
            Reset(name),
            Delete(name),
            SourceProbeCommands.Check(name),
            SourceProbeCommands.Discover(name),
        };
    }

    private static Command List()
    {
        var command = new Command("list", "List sources");
        command.SetAction((parse, cancellationToken) => ApiCommand.RunAsync(parse, async (session, json) =>
        {
            var sources = await session.Api.ListSourcesAsync(cancellationToken);
            if (json)
            {
                ApiCommand.WriteItems(sources);
                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("name", "plugin", "enabled", "schedule", "streams");
            foreach (var s in sources)
            {
                table.AddRow(ConsoleCell.Row(s.Name, s.Plugin, s.Enabled == false ? "no" : "yes", s.Schedule, string.Join(", ", s.Streams.Keys)));
            }

            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command Show(Argument<string> name)
    {
        var command = new Command("show", "Show one source as YAML (or JSON with --json)") { name };
        command.SetAction((parse, cancellationToken) => ApiCommand.RunAsync(parse, async (session, json) =>
        {
            var source = await session.Api.GetSourceAsync(parse.GetValue(name)!, cancellationToken);
            if (json)
            {
                ApiCommand.WriteJson(source);
            }
            else
            {
                Console.Write(ConfigWriter.Write([ToDefinition(source)]));
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command Apply()
    {
        var file = new Argument<string>("file") { Description = "The config file", DefaultValueFactory = _ => "config/daedalus.yaml" };
        var environment = new Option<string?>("--environment", "-e") { Description = "Overlay config/environments/<name>.yaml (default: DAEDALUS_ENVIRONMENT)" };
        var command = new Command("apply", "Validate a config file and create or replace each of its sources") { file, environment };
        command.SetAction(async (parse, cancellationToken) =>
        {
            DaedalusConfig config;
            try
            {
                config = LocalValidator().LoadConfig(parse.GetValue(file)!, parse.GetValue(environment) ?? Environment.GetEnvironmentVariable("DAEDALUS_ENVIRONMENT"));
            }
            catch (ConfigException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return ExitCodes.InvalidInput;
            }

            return await ApiCommand.RunAsync(parse, async (session, json) =>
            {
                var results = new List<object>();
                var sources = config.Sources;
                foreach (var source in sources)
                {
                    var (_, created) = await session.Api.ReplaceSourceAsync(source.Name, SourceSpecMapper.ToSpec(source), cancellationToken);
                    if (json)
                    {
                        results.Add(new { source.Name, created });
                    }
                    else
                    {
                        Console.WriteLine($"{(created ? "created" : "updated")} {source.Name} ({source.Plugin}, {(source.Enabled ? "enabled" : "disabled")}, {source.Streams.Count} streams)");
                    }
                }

                // The file is the truth for the global channels too: no `notifications:` section clears them.
                await session.Api.ReplaceNotificationsAsync(new NotificationSettings { Channels = SourceSpecMapper.ToChannelSpecs(config.Notifications) }, cancellationToken);
                if (json)
                {
                    ApiCommand.WriteItems(results);
                }
                else
                {
                    Console.WriteLine($"notifications: {config.Notifications.Count} global channel(s)");
                }

                return ExitCodes.Ok;
            }, cancellationToken);
        });
        return command;
    }

    private static Command Export()
    {
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of standard output" };
        var command = new Command("export", "Write the sources as daedalus.yaml (secret references only, never values); with --output, sources that came from tables.yaml go to a tables.yaml beside it") { output };
        command.SetAction((parse, cancellationToken) => ApiCommand.RunAsync(parse, async (session, _) =>
        {
            var sources = (await session.Api.ListSourcesAsync(cancellationToken)).Select(ToDefinition).ToList();
            var notifications = await session.Api.GetNotificationsAsync(cancellationToken);
            var errors = new List<ConfigError>();
            var channels = SourceSpecMapper.ToChannels(notifications.Channels, "notifications", errors);
            if (parse.GetValue(output) is { } path)
            {
                // Round trip: apply of the written pair recreates the same definitions.
                var (tables, remaining) = TablesFileWriter.Split(sources);
                await File.WriteAllTextAsync(path, ConfigWriter.Write(remaining, channels), cancellationToken);
                if (tables is not null)
                {
                    var tablesPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, TablesFile.FileName);
                    await File.WriteAllTextAsync(tablesPath, tables, cancellationToken);
                    await Console.Error.WriteLineAsync($"{sources.Count - remaining.Count} source(s) from tables.yaml written to {tablesPath}");
                }
            }
            else
            {
                Console.Write(ConfigWriter.Write(sources, channels));
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command SetEnabled(Argument<string> name, bool enabled)
    {
        var command = new Command(enabled ? "enable" : "disable", enabled ? "Resume scheduled pulls of a source" : "Stop scheduled pulls of a source (manual triggers still work)") { name };
        command.SetAction((parse, cancellationToken) => ApiCommand.RunAsync(parse, async (session, json) =>
        {
            var source = await session.Api.PatchSourceAsync(parse.GetValue(name)!, new SourcePatch { Enabled = enabled }, cancellationToken);
            if (json)
            {
                ApiCommand.WriteJson(source);
            }
            else
            {
                Console.WriteLine($"{source.Name}: {(enabled ? "enabled" : "disabled")}");
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command Reset(Argument<string> name)
    {
        var stream = new Argument<string>("stream") { Description = "Stream whose cursor to forget" };
        var command = new Command("reset", "Forget a stream's cursor: its next pull is a full resync (audited)") { name, stream };
        command.SetAction((parse, cancellationToken) => ApiCommand.RunAsync(parse, async (session, json) =>
        {
            var reset = await session.Api.ResetStreamAsync(parse.GetValue(name)!, parse.GetValue(stream)!, cancellationToken);
            if (json)
            {
                ApiCommand.WriteJson(reset);
            }
            else
            {
                Console.WriteLine(reset.PreviousCursor is null
                    ? $"{reset.Source}/{reset.Stream}: had no cursor; the next pull is a full sync"
                    : $"{reset.Source}/{reset.Stream}: cursor {reset.PreviousCursor} forgotten; the next pull is a full resync");
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command Delete(Argument<string> name)
    {
        var command = new Command("delete", "Delete a source definition (loaded data, history and cursors stay)") { name };
        command.SetAction((parse, cancellationToken) => ApiCommand.RunAsync(parse, async (session, json) =>
        {
            await session.Api.DeleteSourceAsync(parse.GetValue(name)!, cancellationToken);
            if (!json)
            {
                Console.WriteLine($"{parse.GetValue(name)}: deleted");
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    /// <summary>
    /// The YAML loader over the core's registrations (so plugins get what they depend on), without touching a
    /// database: validation needs none, so the connection string is only a placeholder nothing opens.
    /// </summary>
    private static ConfigLoader LocalValidator()
    {
        var configuration = new ConfigurationBuilder()
            .AddConfiguration(CliHost.Configuration())
            .AddInMemoryCollection([new("Daedalus:Database:ConnectionString", "Host=unused-for-validation")])
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddDaedalusCore(configuration);
        return services.BuildServiceProvider().GetRequiredService<ConfigLoader>();
    }

    private static SourceDefinition ToDefinition(SourceSpec spec)
    {
        var errors = new List<ConfigError>();
        var source = SourceSpecMapper.ToDefinition(spec, spec.Name ?? "", errors);
        return errors.Count == 0 ? source : throw new ConfigException(errors);
    }
}
