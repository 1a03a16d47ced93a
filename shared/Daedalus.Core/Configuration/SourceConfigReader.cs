using System.Globalization;
using Daedalus.Alerting;
using Daedalus.Sources;

namespace Daedalus.Configuration;

/// <summary>Maps the merged node tree onto <see cref="SourceDefinition"/>s, collecting every shape error.</summary>
public sealed class SourceConfigReader
{
    private static readonly string[] RootFields = ["version", "sources", "notifications"];
    private static readonly string[] SourceFields = ["plugin", "enabled", "schedule", "window", "retireAt", "settings", "secrets", "streams", "metrics", "notifications", "origin"];
    /// <summary>ISO 8601 instants with an explicit offset (Z or ±hh:mm): a retirement time never depends on the machine's zone.</summary>
    private static readonly string[] RetireAtFormats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];
    private static readonly string[] ChannelFields = ["format", "url", "events"];
    private static readonly string[] StreamFields = ["mode", "primaryKey", "cursor", "target", "rename", "qa", "protect", "settings", "compression"];
    private static readonly string[] QaFields = ["column", "rule", "pattern", "min", "max", "values", "length"];
    private static readonly string[] MetricFields = ["name", "stream", "time", "value", "aggregate", "bucket", "labels"];

    private readonly List<ConfigError> _errors;

    public SourceConfigReader(List<ConfigError> errors)
    {
        _errors = errors;
    }

    /// <summary>The global channels (top-level <c>notifications:</c>), filled by <see cref="Read"/>.</summary>
    public List<NotificationChannelDefinition> Notifications { get; } = [];

    public List<SourceDefinition> Read(ConfigNode root)
    {
        var sources = new List<SourceDefinition>();
        if (root.Map is null)
        {
            Error(root, "", "the document must be a mapping with a 'sources' key");
            return sources;
        }

        CheckFields(root, "", RootFields);
        if (root.Map.TryGetValue("version", out var version) && version.Scalar != "1")
        {
            Error(version, "version", $"unsupported version '{version.Scalar}' (supported: 1)");
        }

        if (root.Map.TryGetValue("notifications", out var notifications))
        {
            Notifications.AddRange(ReadNotifications(notifications, "notifications"));
        }

        if (!root.Map.TryGetValue("sources", out var sourcesNode) || sourcesNode.Map is null)
        {
            Error(root, "sources", "required mapping of source name → source");
            return sources;
        }

        foreach (var (name, node) in sourcesNode.Map)
        {
            var source = ReadSource(name, node, $"sources.{name}");
            if (source is not null)
            {
                sources.Add(source);
            }
        }

        return sources;
    }

    private SourceDefinition? ReadSource(string name, ConfigNode node, string path)
    {
        if (!Expect(node, path, isMap: true))
        {
            return null;
        }

        CheckFields(node, path, SourceFields);
        var source = new SourceDefinition
        {
            Name = name,
            Plugin = String(node, "plugin", path) ?? "",
            Enabled = Bool(node, "enabled", path) ?? true,
            Schedule = String(node, "schedule", path) ?? "0 */15 * * * *",
            Settings = SettingsMap(node, "settings", path),
            Secrets = StringMap(node, "secrets", path),
            Origin = String(node, "origin", path),
        };
        if (source.Origin is not null && source.Origin != TablesFile.Origin)
        {
            Error(node.Map!["origin"], $"{path}.origin", $"'{source.Origin}' is not an origin (only '{TablesFile.Origin}', written by sources export)");
            source.Origin = null;
        }

        if (source.Plugin.Length == 0)
        {
            Error(node, $"{path}.plugin", "required");
        }

        if (node.Map!.TryGetValue("window", out var window) && Expect(window, $"{path}.window", isMap: true))
        {
            source.Window = new ActiveWindow
            {
                Start = String(window, "start", $"{path}.window") ?? "00:00",
                End = String(window, "end", $"{path}.window") ?? "23:59",
            };
        }

        if (String(node, "retireAt", path) is { } retireAt)
        {
            if (DateTimeOffset.TryParseExact(retireAt, RetireAtFormats, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal, out var instant))
            {
                source.RetireAt = instant;
            }
            else
            {
                Error(node.Map["retireAt"], $"{path}.retireAt", $"'{retireAt}' is not an ISO 8601 instant with its offset, e.g. 2027-01-31T00:00:00Z");
            }
        }

        if (node.Map.TryGetValue("streams", out var streams) && Expect(streams, $"{path}.streams", isMap: true))
        {
            foreach (var (streamName, streamNode) in streams.Map!)
            {
                var stream = ReadStream(streamName, streamNode, $"{path}.streams.{streamName}");
                if (stream is not null)
                {
                    source.Streams.Add(stream);
                }
            }
        }

        if (node.Map.TryGetValue("metrics", out var metrics) && Expect(metrics, $"{path}.metrics", isMap: false))
        {
            for (var i = 0; i < metrics.List!.Count; i++)
            {
                var metricPath = $"{path}.metrics[{i}]";
                var metricNode = metrics.List[i];
                if (!Expect(metricNode, metricPath, isMap: true))
                {
                    continue;
                }

                CheckFields(metricNode, metricPath, MetricFields);
                source.Metrics.Add(new MetricRuleDefinition
                {
                    Name = String(metricNode, "name", metricPath) ?? "",
                    Stream = String(metricNode, "stream", metricPath) ?? "",
                    Time = String(metricNode, "time", metricPath) ?? "",
                    Value = String(metricNode, "value", metricPath),
                    Aggregate = String(metricNode, "aggregate", metricPath) ?? "sum",
                    Bucket = String(metricNode, "bucket", metricPath) ?? "1d",
                    Labels = StringList(metricNode, "labels", metricPath),
                });
            }
        }

        if (node.Map.TryGetValue("notifications", out var channels))
        {
            source.Notifications = ReadNotifications(channels, $"{path}.notifications");
        }

        return source;
    }

    /// <summary>
    /// A mapping of channel name → { format, url, events }. <c>url</c> is a secret name: a value that looks like a
    /// URL is refused (and not echoed), since a webhook URL is a credential.
    /// </summary>
    public List<NotificationChannelDefinition> ReadNotifications(ConfigNode node, string path)
    {
        var channels = new List<NotificationChannelDefinition>();
        if (node.IsNull || !Expect(node, path, isMap: true))
        {
            return channels;
        }

        foreach (var (name, channelNode) in node.Map!)
        {
            var channelPath = $"{path}.{name}";
            if (!Expect(channelNode, channelPath, isMap: true))
            {
                continue;
            }

            CheckFields(channelNode, channelPath, ChannelFields);
            var channel = new NotificationChannelDefinition
            {
                Name = name,
                Format = String(channelNode, "format", channelPath) ?? WebhookFormats.Generic,
                Url = String(channelNode, "url", channelPath) ?? "",
                Events = StringList(channelNode, "events", channelPath),
            };
            if (!WebhookFormats.All.Contains(channel.Format))
            {
                Error(channelNode.Map!["format"], $"{channelPath}.format", $"'{channel.Format}' is not a webhook format ({string.Join(", ", WebhookFormats.All)})");
            }

            if (channel.Url.Length == 0)
            {
                Error(channelNode, $"{channelPath}.url", "required: the name of the secret holding the webhook URL");
            }
            else if (!SecretNameRule.IsValid(channel.Url))
            {
                Error(channelNode.Map!["url"], $"{channelPath}.url", "must be the name of a secret holding the webhook URL (letters, digits, '.', '_', '-'), not the URL itself");
            }

            for (var i = 0; i < channel.Events.Count; i++)
            {
                if (!NotificationKinds.All.Contains(channel.Events[i]))
                {
                    Error(channelNode.Map!["events"], $"{channelPath}.events[{i}]", $"'{channel.Events[i]}' is not an event ({string.Join(", ", NotificationKinds.All)})");
                }
            }

            channels.Add(channel);
        }

        return channels;
    }

    private StreamDefinition? ReadStream(string name, ConfigNode node, string path)
    {
        if (node.IsNull)
        {
            // An empty entry reads like a stream someone forgot to finish; the plugin's defaults are asked for explicitly.
            Error(node, path, $"is empty: write '{name}: {{}}' for the plugin's defaults, or give its fields (primaryKey, cursor, mode, target, ...)");
            return null;
        }

        if (!Expect(node, path, isMap: true))
        {
            return null;
        }

        CheckFields(node, path, StreamFields);
        var stream = new StreamDefinition
        {
            Name = name,
            PrimaryKey = StringList(node, "primaryKey", path),
            Cursor = String(node, "cursor", path),
            Rename = StringMap(node, "rename", path),
            Settings = SettingsMap(node, "settings", path),
            Compression = Bool(node, "compression", path) ?? false,
        };
        var mode = String(node, "mode", path);
        if (mode is not null)
        {
            if (Enum.TryParse<SyncMode>(mode, ignoreCase: true, out var parsed) && !int.TryParse(mode, out _))
            {
                stream.Mode = parsed;
            }
            else
            {
                Error(node.Map!["mode"], $"{path}.mode", $"'{mode}' is not a sync mode (full, incremental)");
            }
        }

        if (node.Map!.TryGetValue("target", out var target) && Expect(target, $"{path}.target", isMap: true))
        {
            CheckFields(target, $"{path}.target", ["schema", "table"]);
            stream.Target = new TargetTable
            {
                Schema = String(target, "schema", $"{path}.target") ?? "public",
                Table = String(target, "table", $"{path}.target") ?? name,
            };
        }
        else
        {
            stream.Target = new TargetTable { Table = name };
        }

        foreach (var (column, modeText) in StringMap(node, "protect", path))
        {
            if (Enum.TryParse<ProtectionMode>(modeText, ignoreCase: true, out var protection) && !int.TryParse(modeText, out _))
            {
                stream.Protect[column] = protection;
            }
            else
            {
                Error(node.Map["protect"].Map![column], $"{path}.protect.{column}", $"'{modeText}' is not a protection mode (encrypt, hash)");
            }
        }

        if (node.Map.TryGetValue("qa", out var qa) && Expect(qa, $"{path}.qa", isMap: false))
        {
            for (var i = 0; i < qa.List!.Count; i++)
            {
                var rulePath = $"{path}.qa[{i}]";
                var ruleNode = qa.List[i];
                if (!Expect(ruleNode, rulePath, isMap: true))
                {
                    continue;
                }

                CheckFields(ruleNode, rulePath, QaFields);
                stream.Qa.Add(new QaRuleDefinition
                {
                    Column = String(ruleNode, "column", rulePath) ?? "",
                    Rule = String(ruleNode, "rule", rulePath) ?? "",
                    Pattern = String(ruleNode, "pattern", rulePath),
                    Min = Decimal(ruleNode, "min", rulePath),
                    Max = Decimal(ruleNode, "max", rulePath),
                    Values = StringList(ruleNode, "values", rulePath),
                    Length = (int?)Decimal(ruleNode, "length", rulePath),
                });
            }
        }

        return stream;
    }

    private void CheckFields(ConfigNode node, string path, string[] allowed)
    {
        foreach (var key in node.Map!.Keys)
        {
            if (!allowed.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                Error(node.Map[key], Join(path, key), $"unknown field (expected one of: {string.Join(", ", allowed)})");
            }
        }
    }

    private bool Expect(ConfigNode node, string path, bool isMap)
    {
        if (isMap ? node.Map is not null : node.List is not null)
        {
            return true;
        }

        Error(node, path, $"expected a {(isMap ? "mapping" : "list")}, found a {node.Kind}");
        return false;
    }

    private string? String(ConfigNode parent, string key, string path)
    {
        if (!parent.Map!.TryGetValue(key, out var node) || node.IsNull)
        {
            return null;
        }

        if (node.Scalar is null)
        {
            Error(node, Join(path, key), $"expected a value, found a {node.Kind}");
            return null;
        }

        return node.Scalar;
    }

    private bool? Bool(ConfigNode parent, string key, string path)
    {
        var text = String(parent, key, path);
        if (text is null)
        {
            return null;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        Error(parent.Map![key], Join(path, key), $"'{text}' is not true or false");
        return null;
    }

    private decimal? Decimal(ConfigNode parent, string key, string path)
    {
        var text = String(parent, key, path);
        if (text is null)
        {
            return null;
        }

        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Error(parent.Map![key], Join(path, key), $"'{text}' is not a number");
        return null;
    }

    private List<string> StringList(ConfigNode parent, string key, string path)
    {
        if (!parent.Map!.TryGetValue(key, out var node) || node.IsNull)
        {
            return [];
        }

        if (node.Scalar is not null)
        {
            return [node.Scalar];
        }

        if (node.List is null)
        {
            Error(node, Join(path, key), "expected a list of values");
            return [];
        }

        var values = new List<string>();
        for (var i = 0; i < node.List.Count; i++)
        {
            if (node.List[i].Scalar is { } scalar)
            {
                values.Add(scalar);
            }
            else
            {
                Error(node.List[i], $"{Join(path, key)}[{i}]", "expected a value");
            }
        }

        return values;
    }

    private Dictionary<string, string> StringMap(ConfigNode parent, string key, string path)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!parent.Map!.TryGetValue(key, out var node) || node.IsNull)
        {
            return result;
        }

        if (node.Map is null)
        {
            Error(node, Join(path, key), $"expected a mapping, found a {node.Kind}");
            return result;
        }

        foreach (var (name, value) in node.Map)
        {
            if (value.Scalar is not null)
            {
                result[name] = value.Scalar;
            }
            else if (value.List is not null && value.List.All(v => v.Scalar is not null))
            {
                // Lists of plain values (e.g. board ids) travel as comma-separated text.
                result[name] = string.Join(",", value.List.Select(v => v.Scalar));
            }
            else
            {
                Error(value, $"{Join(path, key)}.{name}", "expected a value");
            }
        }

        return result;
    }

    /// <summary>
    /// A plugin's <c>settings:</c>: like <see cref="StringMap"/>, but nested mappings flatten to dotted keys
    /// (<c>auth: { type: bearer }</c> is <c>auth.type</c>), so plugins with structured settings (the <c>rest</c>
    /// plugin's auth, paginator, columns) keep the one string map every layer (API, database) already carries.
    /// </summary>
    private Dictionary<string, string> SettingsMap(ConfigNode parent, string key, string path)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!parent.Map!.TryGetValue(key, out var node) || node.IsNull)
        {
            return result;
        }

        if (node.Map is null)
        {
            Error(node, Join(path, key), $"expected a mapping, found a {node.Kind}");
            return result;
        }

        Flatten(node, "", Join(path, key), result);
        return result;
    }

    private void Flatten(ConfigNode map, string prefix, string path, Dictionary<string, string> result)
    {
        foreach (var (name, value) in map.Map!)
        {
            var key = prefix.Length == 0 ? name : $"{prefix}.{name}";
            if (value.Map is not null)
            {
                Flatten(value, key, $"{path}.{name}", result);
            }
            else if (value.Scalar is not null || (value.List is not null && value.List.All(v => v.Scalar is not null)))
            {
                var text = value.Scalar ?? string.Join(",", value.List!.Select(v => v.Scalar));
                if (!result.TryAdd(key, text))
                {
                    Error(value, $"{path}.{name}", "set twice (once nested, once as a dotted key)");
                }
            }
            else if (!value.IsNull)
            {
                Error(value, $"{path}.{name}", "expected a value or a mapping");
            }
        }
    }

    private void Error(ConfigNode node, string path, string message) =>
        _errors.Add(new ConfigError(path, message, node.Origin, node.Line));

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
