using Daedalus.Sources;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Daedalus.Configuration;

/// <summary>Writes source definitions back as <c>daedalus.yaml</c> (for <c>sources export</c>), in the shape the loader reads.</summary>
public static class ConfigWriter
{
    public static string Write(IEnumerable<SourceDefinition> sources, IReadOnlyList<Alerting.NotificationChannelDefinition>? notifications = null)
    {
        var document = new Dictionary<string, object>
        {
            ["version"] = 1,
        };
        if (notifications is { Count: > 0 })
        {
            document["notifications"] = Channels(notifications);
        }

        document["sources"] = sources.ToDictionary(s => s.Name, Source);
        return new SerializerBuilder()
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull | DefaultValuesHandling.OmitEmptyCollections)
            .Build()
            .Serialize(document);
    }

    private static Dictionary<string, object?> Source(SourceDefinition s)
    {
        var map = new Dictionary<string, object?>
        {
            ["plugin"] = s.Plugin,
            ["enabled"] = s.Enabled,
            ["schedule"] = s.Schedule,
        };
        if (s.Window is not null)
        {
            map["window"] = new Dictionary<string, string> { ["start"] = s.Window.Start, ["end"] = s.Window.End };
        }

        if (s.RetireAt is { } retireAt)
        {
            map["retireAt"] = retireAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        }

        if (s.Settings.Count > 0)
        {
            map["settings"] = Nest(s.Settings);
        }

        if (s.Secrets.Count > 0)
        {
            map["secrets"] = s.Secrets;
        }

        map["streams"] = s.Streams.ToDictionary(st => st.Name, Stream);
        if (s.Metrics.Count > 0)
        {
            map["metrics"] = s.Metrics.Select(m => new Dictionary<string, object?>
            {
                ["name"] = m.Name,
                ["stream"] = m.Stream,
                ["time"] = m.Time,
                ["value"] = m.Value,
                ["aggregate"] = m.Aggregate,
                ["bucket"] = m.Bucket,
                ["labels"] = m.Labels.Count > 0 ? m.Labels : null,
            }.Where(kv => kv.Value is not null).ToDictionary()).ToList();
        }

        if (s.Notifications.Count > 0)
        {
            map["notifications"] = Channels(s.Notifications);
        }

        if (s.Origin is not null)
        {
            map["origin"] = s.Origin;
        }

        return map;
    }

    private static Dictionary<string, Dictionary<string, object>> Channels(IEnumerable<Alerting.NotificationChannelDefinition> channels) =>
        channels.ToDictionary(c => c.Name, c =>
        {
            var channel = new Dictionary<string, object> { ["format"] = c.Format, ["url"] = c.Url };
            if (c.Events.Count > 0)
            {
                channel["events"] = c.Events;
            }

            return channel;
        });

    private static Dictionary<string, object?> Stream(StreamDefinition st)
    {
        var map = new Dictionary<string, object?> { ["mode"] = st.Mode == SyncMode.Full ? "full" : "incremental" };
        if (st.PrimaryKey.Count > 0)
        {
            map["primaryKey"] = st.PrimaryKey;
        }

        if (st.Cursor is not null)
        {
            map["cursor"] = st.Cursor;
        }

        map["target"] = new Dictionary<string, string> { ["schema"] = st.Target.Schema, ["table"] = st.Target.Table };
        if (st.Rename.Count > 0)
        {
            map["rename"] = st.Rename;
        }

        if (st.Qa.Count > 0)
        {
            map["qa"] = st.Qa.Select(q => new Dictionary<string, object?>
            {
                ["column"] = q.Column,
                ["rule"] = q.Rule,
                ["pattern"] = q.Pattern,
                ["min"] = q.Min,
                ["max"] = q.Max,
                ["values"] = q.Values.Count > 0 ? q.Values : null,
                ["length"] = q.Length,
            }.Where(kv => kv.Value is not null).ToDictionary()).ToList();
        }

        if (st.Protect.Count > 0)
        {
            map["protect"] = st.Protect.ToDictionary(p => p.Key, p => p.Value == ProtectionMode.Encrypt ? "encrypt" : "hash");
        }

        if (st.Settings.Count > 0)
        {
            map["settings"] = Nest(st.Settings);
        }

        if (st.Compression)
        {
            map["compression"] = true;
        }

        return map;
    }

    /// <summary>
    /// Dotted settings keys back into the nested mappings the reader flattened (<c>auth.type</c> → <c>auth: { type }</c>);
    /// a key that is both a value and a prefix of another stays dotted, which reads back the same.
    /// </summary>
    public static Dictionary<string, object> Nest(IReadOnlyDictionary<string, string> settings)
    {
        var root = new Dictionary<string, object>(StringComparer.Ordinal);
        var prefixes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in settings.Keys)
        {
            for (var dot = key.IndexOf('.', StringComparison.Ordinal); dot > 0; dot = key.IndexOf('.', dot + 1))
            {
                prefixes.Add(key[..dot]);
            }
        }

        foreach (var (key, value) in settings)
        {
            var parts = key.Split('.');
            var clash = prefixes.Contains(key) || parts.Any(p => p.Length == 0)
                || Enumerable.Range(1, parts.Length - 1).Any(n => settings.ContainsKey(string.Join('.', parts[..n])));
            if (clash)
            {
                root[key] = value;
                continue;
            }

            var node = root;
            for (var i = 0; i < parts.Length - 1; i++)
            {
                if (!node.TryGetValue(parts[i], out var child) || child is not Dictionary<string, object> childMap)
                {
                    childMap = new Dictionary<string, object>(StringComparer.Ordinal);
                    node[parts[i]] = childMap;
                }

                node = childMap;
            }

            node[parts[^1]] = value;
        }

        return root;
    }
}
