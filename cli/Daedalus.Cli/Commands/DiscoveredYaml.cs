using System.Text;
using System.Text.Json;
using Daedalus.Api;
using Daedalus.Client;
using Daedalus.Configuration;

namespace Daedalus.Cli.Commands;

/// <summary>
/// A discovery report as a config file: the source as configured (<c>sources show</c>), each discovered stream's
/// <c>settings:</c> replaced by the discovered ones (which pin the column types) and its primary key and cursor filled
/// where the config left them out; the columns as comments above it. The output is a valid <c>daedalus.yaml</c> by
/// itself: it replaces the source's entry in config, or applies as is.
/// </summary>
public static class DiscoveredYaml
{
    public static string Write(SourceDiscoveryReport report, SourceSpec configured)
    {
        var errors = new List<ConfigError>();
        var source = SourceSpecMapper.ToDefinition(configured, report.Source, errors);
        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }

        var yaml = new StringBuilder();
        yaml.Append("# discovered from source ").Append(Quote(report.Source)).Append(" (plugin ").Append(Quote(report.Plugin)).Append("): the source with the settings that pin its columns;\n");
        yaml.Append("# replace its entry in config with this one. Columns found:\n");
        foreach (var stream in report.Streams)
        {
            yaml.Append("#   ").Append(Quote(stream.Stream)).Append(": ")
                .AppendJoin(", ", stream.Columns.Select(c => $"{Quote(c.Name)} {c.Type}")).Append('\n');
            if (source.FindStream(stream.Stream) is not { } definition)
            {
                continue;
            }

            definition.Settings = new Dictionary<string, string>(stream.Settings, StringComparer.OrdinalIgnoreCase);
            if (definition.PrimaryKey.Count == 0 && stream.PrimaryKey.Count > 0)
            {
                definition.PrimaryKey = [.. stream.PrimaryKey];
            }

            if (definition.Cursor is null && stream.Cursor is { } cursor)
            {
                definition.Cursor = cursor;
            }
        }

        yaml.Append(ConfigWriter.Write([source]));
        return yaml.ToString();
    }

    /// <summary>A JSON string is a valid YAML double-quoted scalar, so any name pastes safely into a comment.</summary>
    private static string Quote(string text) => JsonSerializer.Serialize(text);
}
