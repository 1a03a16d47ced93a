using System.Text;
using System.Text.Json;
using Daedalus.Client;

namespace Daedalus.Cli.Commands;

/// <summary>
/// A discovery report as the <c>streams:</c> block of a source in config YAML: primary key, cursor and the settings that
/// pin the schema as keys, the columns as comments (config does not list columns; the settings pin their types).
/// </summary>
public static class DiscoveredYaml
{
    public static string Write(SourceDiscoveryReport report)
    {
        var yaml = new StringBuilder();
        yaml.Append("# discovered from source ").Append(Quote(report.Source)).Append(" (plugin ").Append(Quote(report.Plugin)).Append("); paste under sources.").Append(report.Source).Append('\n');
        yaml.Append("streams:\n");
        foreach (var stream in report.Streams)
        {
            yaml.Append("  ").Append(Quote(stream.Stream)).Append(":\n");
            yaml.Append("    # columns:\n");
            foreach (var column in stream.Columns)
            {
                yaml.Append("    #   ").Append(Quote(column.Name)).Append(": ").Append(column.Type).Append('\n');
            }

            if (stream.PrimaryKey.Count > 0)
            {
                yaml.Append("    primaryKey: [").AppendJoin(", ", stream.PrimaryKey.Select(Quote)).Append("]\n");
            }

            if (stream.Cursor is { } cursor)
            {
                yaml.Append("    cursor: ").Append(Quote(cursor)).Append('\n');
            }

            if (stream.Settings.Count > 0)
            {
                yaml.Append("    settings:\n");
                foreach (var (key, value) in stream.Settings.OrderBy(s => s.Key, StringComparer.Ordinal))
                {
                    yaml.Append("      ").Append(Quote(key)).Append(": ").Append(Quote(value)).Append('\n');
                }
            }
        }

        return yaml.ToString();
    }

    /// <summary>A JSON string is a valid YAML double-quoted scalar, so any name or value pastes safely.</summary>
    private static string Quote(string text) => JsonSerializer.Serialize(text);
}
