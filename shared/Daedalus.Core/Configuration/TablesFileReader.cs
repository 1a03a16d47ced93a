using Daedalus.Ingest;
using Daedalus.Sources;

namespace Daedalus.Configuration;

/// <summary>
/// Reads tables.yaml (a mapping with <c>connection</c> and <c>tables</c>, or a bare list of tables) into one
/// Snowflake source per entry, collecting every shape error with file and line. Entry fields: <c>name</c>,
/// <c>snowflake: {database, schema, table}</c>, <c>postgres: {schema, table}</c>, <c>primary_key</c>,
/// <c>sync_mode: full|incremental</c>, <c>incremental_column</c>, <c>schedule: daily|hourly|cron</c>,
/// <c>encryption</c>, <c>compression</c>, <c>enabled</c>.
/// </summary>
public sealed class TablesFileReader
{
    public static readonly string[] RootFields = ["version", "connection", "tables"];
    private static readonly string[] SnowflakeFields = ["database", "schema", "table"];
    private static readonly string[] PostgresFields = ["schema", "table"];

    public static readonly string[] EntryFields = ["name", "snowflake", "postgres", "primary_key", "sync_mode", "incremental_column", "schedule", "encryption", "compression", "enabled"];

    private readonly List<ConfigError> _errors;

    public TablesFileReader(List<ConfigError> errors)
    {
        _errors = errors;
    }

    /// <param name="root">The parsed file.</param>
    /// <param name="sources">daedalus.yaml's sources: the connection is one of them, and names must not clash.</param>
    public List<TablesEntry> Read(ConfigNode root, IReadOnlyList<SourceDefinition> sources)
    {
        var entries = new List<TablesEntry>();
        ConfigNode? tables;
        ConfigNode? connectionNode = null;
        if (root.List is not null)
        {
            tables = root;
        }
        else if (root.Map is not null)
        {
            CheckFields(root, "", RootFields);
            if (root.Map.TryGetValue("version", out var version) && version.Scalar != "1")
            {
                Error(version, "version", $"unsupported version '{version.Scalar}' (supported: 1)");
            }

            root.Map.TryGetValue("connection", out connectionNode);
            if (!root.Map.TryGetValue("tables", out tables) || tables.List is null)
            {
                Error(tables ?? root, "tables", "required list of tables");
                return entries;
            }
        }
        else
        {
            Error(root, "", "expected a list of tables, or a mapping with 'connection' and 'tables'");
            return entries;
        }

        var connection = Connection(connectionNode, root, sources);
        var names = sources.Select(s => s.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < tables.List!.Count; i++)
        {
            var path = $"tables[{i}]";
            var node = tables.List[i];
            if (node.Map is null)
            {
                Error(node, path, $"expected a mapping, found a {node.Kind}");
                continue;
            }

            CheckFields(node, path, EntryFields);
            var source = Entry(node, path, connection);
            if (source is null)
            {
                continue;
            }

            if (!names.Add(source.Name))
            {
                Error(node.Map.TryGetValue("name", out var nameNode) ? nameNode : node, $"{path}.name", $"'{source.Name}' is already a source (in daedalus.yaml or earlier in this file)");
                continue;
            }

            entries.Add(new TablesEntry(source, path, node));
        }

        // Without a connection every entry would repeat the Snowflake plugin's missing-setting errors: the one above says it.
        return connection is null ? [] : entries;
    }

    private SourceDefinition? Connection(ConfigNode? node, ConfigNode root, IReadOnlyList<SourceDefinition> sources)
    {
        var snowflake = sources.Where(s => s.Origin is null && string.Equals(s.Plugin, TablesFile.SnowflakePlugin, StringComparison.OrdinalIgnoreCase)).ToList();
        if (node is null)
        {
            if (snowflake.Count == 1)
            {
                return snowflake[0];
            }

            Error(root, "connection", $"required: the snowflake source in daedalus.yaml whose settings and secrets these tables use ({(snowflake.Count == 0 ? "there is none" : "candidates: " + string.Join(", ", snowflake.Select(s => s.Name)))})");
            return null;
        }

        var found = snowflake.Find(s => string.Equals(s.Name, node.Scalar, StringComparison.OrdinalIgnoreCase));
        if (found is null)
        {
            Error(node, "connection", $"'{node.Scalar}' is not a snowflake source in daedalus.yaml (snowflake sources: {(snowflake.Count == 0 ? "none" : string.Join(", ", snowflake.Select(s => s.Name)))})");
        }

        return found;
    }

    private SourceDefinition? Entry(ConfigNode node, string path, SourceDefinition? connection)
    {
        var name = Text(node, "name", path);
        if (name is null)
        {
            Error(node, $"{path}.name", "required");
            return null;
        }

        var stream = new StreamDefinition { Name = name, Target = new TargetTable { Schema = "public", Table = name } };
        if (Map(node, "snowflake", path, SnowflakeFields) is { } snowflake)
        {
            var parts = SnowflakeFields.Select(field => (Field: field, Value: Text(snowflake, field, $"{path}.snowflake"))).ToList();
            foreach (var (field, _) in parts.Where(p => p.Value is null))
            {
                Error(snowflake, $"{path}.snowflake.{field}", "required");
            }

            stream.Settings["table"] = string.Join('.', parts.Select(p => p.Value));
        }
        else
        {
            Error(node, $"{path}.snowflake", "required: { database, schema, table }");
        }

        if (Map(node, "postgres", path, PostgresFields) is { } postgres)
        {
            stream.Target = new TargetTable { Schema = Text(postgres, "schema", $"{path}.postgres") ?? "public", Table = Text(postgres, "table", $"{path}.postgres") ?? name };
        }

        stream.PrimaryKey = List(node, "primary_key", path);
        var column = Text(node, "incremental_column", path);
        if (column is not null)
        {
            stream.Settings["watermark"] = column;
        }

        var mode = Text(node, "sync_mode", path);
        stream.Mode = mode?.ToLowerInvariant() switch
        {
            null => column is null ? SyncMode.Full : SyncMode.Incremental,
            "full" => SyncMode.Full,
            "incremental" => SyncMode.Incremental,
            _ => Invalid(node.Map!["sync_mode"], $"{path}.sync_mode", $"'{mode}' is not a sync mode (full, incremental)", SyncMode.Full),
        };
        if (stream.Mode == SyncMode.Incremental && column is null)
        {
            Error(node, $"{path}.incremental_column", "required for sync_mode: incremental (the column that grows when a row changes)");
        }

        if (Flag(node, "encryption", path) == true)
        {
            stream.Protect[BatchPreparer.ProtectEveryColumn] = ProtectionMode.Encrypt;
        }

        stream.Compression = Flag(node, "compression", path) ?? false;
        var scheduleText = Text(node, "schedule", path) ?? "daily";
        var schedule = TablesSchedule.ToCron(scheduleText);
        if (schedule is null)
        {
            Error(node.Map!.TryGetValue("schedule", out var scheduleNode) ? scheduleNode : node, $"{path}.schedule", $"'{scheduleText}' is not daily, hourly or a cron expression (5 fields, or 6 with seconds first; UTC)");
        }

        var source = new SourceDefinition
        {
            Name = name,
            Plugin = TablesFile.SnowflakePlugin,
            Enabled = Flag(node, "enabled", path) ?? true,
            Schedule = schedule ?? TablesSchedule.Daily,
            Origin = TablesFile.Origin,
            Settings = new Dictionary<string, string>(connection?.Settings ?? [], StringComparer.OrdinalIgnoreCase),
            Secrets = new Dictionary<string, string>(connection?.Secrets ?? [], StringComparer.OrdinalIgnoreCase),
        };
        source.Streams.Add(stream);
        return source;
    }

    private T Invalid<T>(ConfigNode node, string path, string message, T fallback)
    {
        Error(node, path, message);
        return fallback;
    }

    private void CheckFields(ConfigNode node, string path, string[] allowed)
    {
        foreach (var key in node.Map!.Keys.Where(k => !allowed.Contains(k, StringComparer.OrdinalIgnoreCase)))
        {
            Error(node.Map[key], path.Length == 0 ? key : $"{path}.{key}", $"unknown field (expected one of: {string.Join(", ", allowed)})");
        }
    }

    private ConfigNode? Map(ConfigNode parent, string key, string path, string[] fields)
    {
        if (!parent.Map!.TryGetValue(key, out var node) || node.IsNull)
        {
            return null;
        }

        if (node.Map is null)
        {
            Error(node, $"{path}.{key}", $"expected a mapping, found a {node.Kind}");
            return null;
        }

        CheckFields(node, $"{path}.{key}", fields);
        return node;
    }

    private string? Text(ConfigNode parent, string key, string path)
    {
        if (!parent.Map!.TryGetValue(key, out var node) || node.IsNull)
        {
            return null;
        }

        if (node.Scalar is null)
        {
            Error(node, $"{path}.{key}", $"expected a value, found a {node.Kind}");
            return null;
        }

        return node.Scalar.Trim();
    }

    private bool? Flag(ConfigNode parent, string key, string path)
    {
        var text = Text(parent, key, path);
        if (text is null)
        {
            return null;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        Error(parent.Map![key], $"{path}.{key}", $"'{text}' is not true or false");
        return null;
    }

    private List<string> List(ConfigNode parent, string key, string path)
    {
        if (!parent.Map!.TryGetValue(key, out var node) || node.IsNull)
        {
            return [];
        }

        if (node.Scalar is not null)
        {
            return [node.Scalar.Trim()];
        }

        if (node.List is null || node.List.Any(n => n.Scalar is null))
        {
            Error(node, $"{path}.{key}", "expected a list of column names");
            return [];
        }

        return [.. node.List.Select(n => n.Scalar!.Trim())];
    }

    private void Error(ConfigNode node, string path, string message) =>
        _errors.Add(new ConfigError(path, message, node.Origin, node.Line));
}
