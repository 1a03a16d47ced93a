using System.CommandLine;
using System.Text.Json;
using Daedalus.Configuration;
using Daedalus.Storage;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Daedalus.Cli.Commands;

/// <summary><c>daedalus sources apply|export|list</c>: YAML in and out of the database, which is the runtime truth.</summary>
public static class SourcesCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The config file", DefaultValueFactory = _ => "config/daedalus.yaml" };
        var environment = new Option<string?>("--environment", "-e") { Description = "Overlay config/environments/<name>.yaml (default: DAEDALUS_ENVIRONMENT)" };
        var apply = new Command("apply", "Validate a config file and apply its sources to the database") { file, environment };
        apply.SetAction(async (parse, cancellationToken) =>
        {
            await using var provider = await CliHost.StartAsync(parse.GetValue(CommonOptions.Verbose), cancellationToken);
            IReadOnlyList<SourceDefinition> sources;
            try
            {
                sources = provider.GetRequiredService<ConfigLoader>().Load(
                    parse.GetValue(file)!,
                    parse.GetValue(environment) ?? Environment.GetEnvironmentVariable("DAEDALUS_ENVIRONMENT"));
            }
            catch (ConfigException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return ExitCodes.InvalidInput;
            }

            var catalog = provider.GetRequiredService<SourceCatalog>();
            foreach (var source in sources)
            {
                var created = await catalog.UpsertAsync(source, "cli:sources apply", cancellationToken);
                Console.WriteLine($"{(created ? "created" : "updated")} {source.Name} ({source.Plugin}, {(source.Enabled ? "enabled" : "disabled")}, {source.Streams.Count} streams)");
            }

            return ExitCodes.Ok;
        });

        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of standard output" };
        var export = new Command("export", "Write the database's sources as daedalus.yaml") { output };
        export.SetAction(async (parse, cancellationToken) =>
        {
            await using var provider = await CliHost.StartAsync(parse.GetValue(CommonOptions.Verbose), cancellationToken);
            var yaml = ConfigWriter.Write(await provider.GetRequiredService<SourceCatalog>().ListAsync(cancellationToken));
            if (parse.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, yaml, cancellationToken);
            }
            else
            {
                Console.Write(yaml);
            }

            return ExitCodes.Ok;
        });

        var list = new Command("list", "List configured sources");
        list.SetAction(async (parse, cancellationToken) =>
        {
            await using var provider = await CliHost.StartAsync(parse.GetValue(CommonOptions.Verbose), cancellationToken);
            var sources = await provider.GetRequiredService<SourceCatalog>().ListAsync(cancellationToken);
            if (parse.GetValue(CommonOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(sources, SourceCatalog.Json));
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("name", "plugin", "enabled", "schedule", "streams");
            foreach (var s in sources)
            {
                table.AddRow(Markup.Escape(s.Name), Markup.Escape(s.Plugin), s.Enabled ? "yes" : "no", Markup.Escape(s.Schedule), Markup.Escape(string.Join(", ", s.Streams.Select(st => st.Name))));
            }

            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        });

        return new Command("sources", "Configured sources") { apply, export, list };
    }
}
