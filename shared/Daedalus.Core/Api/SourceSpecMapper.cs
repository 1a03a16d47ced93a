using Daedalus.Alerting;
using Daedalus.Client;
using Daedalus.Configuration;
using Daedalus.Sources;

namespace Daedalus.Api;

/// <summary>
/// Between the API's <see cref="SourceSpec"/> and the core's <see cref="SourceDefinition"/>, with the same
/// defaults as the YAML reader. Shape errors (bad enum text, bad secret reference) are collected by JSON path.
/// </summary>
public static class SourceSpecMapper
{
    public static SourceDefinition ToDefinition(SourceSpec spec, string name, List<ConfigError> errors)
    {
        var source = new SourceDefinition
        {
            Name = name,
            Plugin = spec.Plugin,
            Enabled = spec.Enabled ?? true,
            Schedule = spec.Schedule ?? new SourceDefinition().Schedule,
            Window = spec.Window is null ? null : new ActiveWindow { Start = spec.Window.Start, End = spec.Window.End },
            RetireAt = spec.RetireAt?.ToUniversalTime(),
            Settings = Copy(spec.Settings, "$.settings", errors),
            Secrets = Copy(spec.Secrets, "$.secrets", errors),
            Origin = spec.Origin,
        };
        if (spec.Origin is not null && spec.Origin != TablesFile.Origin)
        {
            errors.Add(new ConfigError("$.origin", $"'{spec.Origin}' is not an origin (only '{TablesFile.Origin}')"));
        }

        if (spec.Plugin.Length == 0)
        {
            errors.Add(new ConfigError("$.plugin", "required"));
        }

        // Secret names are checked by SourceDefinitionValidator (SecretNameRule), for the YAML and the API alike.
        foreach (var (streamName, streamSpec) in spec.Streams)
        {
            if (streamSpec is null)
            {
                // An explicit null is not "the plugin's defaults" ({} is): a 422 rather than a silent guess.
                errors.Add(new ConfigError($"$.streams.{streamName}", "must be an object (use {} for the plugin's defaults), not null"));
                continue;
            }

            source.Streams.Add(ToStream(streamName, streamSpec, errors));
        }

        var metrics = spec.Metrics ?? [];
        for (var i = 0; i < metrics.Count; i++)
        {
            var metric = metrics[i];
            if (metric is null)
            {
                errors.Add(new ConfigError($"$.metrics[{i}]", "must be an object, not null"));
                continue;
            }

            NoNullItems(metric.Labels, $"$.metrics[{i}].labels", errors);
            source.Metrics.Add(new MetricRuleDefinition
            {
                Name = metric.Name,
                Stream = metric.Stream,
                Time = metric.Time,
                Value = metric.Value,
                Aggregate = metric.Aggregate ?? "sum",
                Bucket = metric.Bucket ?? "1d",
                Labels = metric.Labels?.OfType<string>().ToList() ?? [],
            });
        }

        source.Notifications = ToChannels(spec.Notifications, "$.notifications", errors);
        return source;
    }

    /// <summary>Channel specs → definitions, with the YAML reader's rules (format, secret-name url, known events).</summary>
    public static List<NotificationChannelDefinition> ToChannels(Dictionary<string, NotificationChannelSpec>? specs, string path, List<ConfigError> errors)
    {
        var channels = new List<NotificationChannelDefinition>();
        foreach (var (name, spec) in specs ?? [])
        {
            if (spec is null)
            {
                errors.Add(new ConfigError($"{path}.{name}", "must be an object, not null"));
                continue;
            }

            NoNullItems(spec.Events, $"{path}.{name}.events", errors);
            foreach (var (field, text) in new[] { (name, name), ($"{name}.format", spec.Format), ($"{name}.url", spec.Url) }.Concat(spec.Events?.Select((e, i) => ($"{name}.events[{i}]", (string?)e)) ?? []))
            {
                if (StoredText.Problem(text) is { } problem)
                {
                    errors.Add(new ConfigError($"{path}.{field}", problem));
                }
            }

            var channel = new NotificationChannelDefinition { Name = name, Format = spec.Format ?? WebhookFormats.Generic, Url = spec.Url ?? "", Events = spec.Events?.OfType<string>().ToList() ?? [] };
            if (!WebhookFormats.All.Contains(channel.Format))
            {
                errors.Add(new ConfigError($"{path}.{name}.format", $"{ErrorText.Quote(channel.Format)} is not a webhook format ({string.Join(", ", WebhookFormats.All)})"));
            }

            if (!SecretNameRule.IsValid(channel.Url))
            {
                // Not echoed back: a webhook URL pasted here is a credential.
                errors.Add(new ConfigError($"{path}.{name}.url", "must be the name of a secret holding the webhook URL (letters, digits, '.', '_', '-', at most 127), not the URL itself"));
            }

            foreach (var kind in channel.Events.Where(e => !NotificationKinds.All.Contains(e)))
            {
                errors.Add(new ConfigError($"{path}.{name}.events", $"{ErrorText.Quote(kind)} is not an event ({string.Join(", ", NotificationKinds.All)})"));
            }

            channels.Add(channel);
        }

        return channels;
    }

    public static Dictionary<string, NotificationChannelSpec> ToChannelSpecs(IEnumerable<NotificationChannelDefinition> channels) =>
        channels.ToDictionary(c => c.Name, c => new NotificationChannelSpec { Format = c.Format, Url = c.Url, Events = c.Events.Count == 0 ? null : c.Events });

    public static SourceSpec ToSpec(SourceDefinition source) => new()
    {
        Name = source.Name,
        Plugin = source.Plugin,
        Enabled = source.Enabled,
        Schedule = source.Schedule,
        Window = source.Window is null ? null : new WindowSpec(source.Window.Start, source.Window.End),
        RetireAt = source.RetireAt,
        Settings = source.Settings.Count == 0 ? null : new Dictionary<string, string>(source.Settings),
        Secrets = source.Secrets.Count == 0 ? null : new Dictionary<string, string>(source.Secrets),
        Streams = source.Streams.ToDictionary(s => s.Name, s => (StreamSpec?)ToSpec(s)),
        Metrics = source.Metrics.Count == 0 ? null : source.Metrics.Select(m => new MetricRuleSpec
        {
            Name = m.Name,
            Stream = m.Stream,
            Time = m.Time,
            Value = m.Value,
            Aggregate = m.Aggregate,
            Bucket = m.Bucket,
            Labels = m.Labels.Count == 0 ? null : m.Labels,
        }).ToList(),
        Notifications = source.Notifications.Count == 0 ? null : ToChannelSpecs(source.Notifications),
        Origin = source.Origin,
    };

    private static StreamSpec ToSpec(StreamDefinition stream) => new()
    {
        Mode = stream.Mode == SyncMode.Full ? "full" : "incremental",
        PrimaryKey = stream.PrimaryKey.Count == 0 ? null : stream.PrimaryKey,
        Cursor = stream.Cursor,
        Target = new TargetSpec { Schema = stream.Target.Schema, Table = stream.Target.Table },
        Rename = stream.Rename.Count == 0 ? null : new Dictionary<string, string>(stream.Rename),
        Qa = stream.Qa.Count == 0 ? null : stream.Qa.Select(q => new QaRuleSpec
        {
            Column = q.Column,
            Rule = q.Rule,
            Pattern = q.Pattern,
            Min = q.Min,
            Max = q.Max,
            Values = q.Values.Count == 0 ? null : q.Values,
            Length = q.Length,
        }).ToList(),
        Protect = stream.Protect.Count == 0 ? null : stream.Protect.ToDictionary(p => p.Key, p => p.Value == ProtectionMode.Encrypt ? "encrypt" : "hash"),
        Settings = stream.Settings.Count == 0 ? null : new Dictionary<string, string>(stream.Settings),
        Compression = stream.Compression ? true : null,
    };

    private static StreamDefinition ToStream(string name, StreamSpec spec, List<ConfigError> errors)
    {
        var path = $"$.streams.{name}";
        NoNullItems(spec.PrimaryKey, $"{path}.primaryKey", errors);
        var stream = new StreamDefinition
        {
            Name = name,
            PrimaryKey = spec.PrimaryKey?.OfType<string>().ToList() ?? [],
            Cursor = spec.Cursor,
            Target = new TargetTable { Schema = spec.Target?.Schema ?? "public", Table = spec.Target?.Table ?? name },
            Rename = Copy(spec.Rename, $"{path}.rename", errors),
            Settings = Copy(spec.Settings, $"{path}.settings", errors),
            Compression = spec.Compression ?? false,
        };
        switch (spec.Mode?.ToLowerInvariant())
        {
            case null or "incremental":
                stream.Mode = SyncMode.Incremental;
                break;
            case "full":
                stream.Mode = SyncMode.Full;
                break;
            default:
                errors.Add(new ConfigError($"{path}.mode", $"{ErrorText.Quote(spec.Mode)} is not a sync mode (full, incremental)"));
                break;
        }

        foreach (var (column, mode) in spec.Protect ?? [])
        {
            if (stream.Protect.ContainsKey(column))
            {
                errors.Add(new ConfigError($"{path}.protect.{column}", "duplicate key (keys are case-insensitive)"));
                continue;
            }

            switch (mode?.ToLowerInvariant())
            {
                case "encrypt":
                    stream.Protect[column] = ProtectionMode.Encrypt;
                    break;
                case "hash":
                    stream.Protect[column] = ProtectionMode.Hash;
                    break;
                default:
                    errors.Add(new ConfigError($"{path}.protect.{column}", $"{ErrorText.Quote(mode)} is not a protection mode (encrypt, hash)"));
                    break;
            }
        }

        var rules = spec.Qa ?? [];
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (rule is null)
            {
                errors.Add(new ConfigError($"{path}.qa[{i}]", "must be an object, not null"));
                continue;
            }

            NoNullItems(rule.Values, $"{path}.qa[{i}].values", errors);
            stream.Qa.Add(new QaRuleDefinition
            {
                Column = rule.Column ?? "",
                Rule = rule.Rule ?? "",
                Pattern = rule.Pattern,
                Min = rule.Min,
                Max = rule.Max,
                Values = rule.Values?.OfType<string>().ToList() ?? [],
                Length = rule.Length,
            });
        }

        return stream;
    }

    /// <summary>The core's maps ignore case (as YAML keys do), so keys differing only in case are an error, not a crash.</summary>
    private static Dictionary<string, string> Copy(Dictionary<string, string>? values, string path, List<ConfigError> errors)
    {
        var copy = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in values ?? [])
        {
            if (value is null)
            {
                errors.Add(new ConfigError($"{path}.{key}", "must be a string, not null"));
            }
            else if (!copy.TryAdd(key, value))
            {
                errors.Add(new ConfigError($"{path}.{key}", "duplicate key (keys are case-insensitive)"));
            }
        }

        return copy;
    }

    /// <summary>JSON arrays of strings may hold nulls the serializer lets through (element nullability is not checked).</summary>
    private static void NoNullItems(List<string>? items, string path, List<ConfigError> errors)
    {
        for (var i = 0; i < (items?.Count ?? 0); i++)
        {
            if (items![i] is null)
            {
                errors.Add(new ConfigError($"{path}[{i}]", "must be a string, not null"));
            }
        }
    }
}
