using System.Text.RegularExpressions;
using Daedalus.Sources;
using Daedalus.Storage;
using NCrontab;

namespace Daedalus.Configuration;

/// <summary>
/// Semantic checks shared by the YAML loader and the API: names, cron, windows, identifiers,
/// rules and the plugin's own checks. Returns every error with the field path.
/// </summary>
public sealed partial class SourceDefinitionValidator
{

    private readonly SourcePluginRegistry _plugins;

    public SourceDefinitionValidator(SourcePluginRegistry plugins)
    {
        _plugins = plugins;
    }

    public static bool TryParseSchedule(string expression, out CrontabSchedule? schedule)
    {
        schedule = ScheduleRule.Parse(expression);
        return schedule is not null;
    }

    public static bool TryParseBucket(string text, out TimeSpan bucket)
    {
        bucket = default;
        var match = Regex.Match(text ?? "", "^([1-9][0-9]{0,4})(s|m|h|d)$");
        if (!match.Success)
        {
            return false;
        }

        var n = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        bucket = match.Groups[2].Value switch
        {
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            _ => TimeSpan.FromDays(n),
        };
        return true;
    }

    public List<ConfigError> Validate(SourceDefinition source, string path)
    {
        var errors = new List<ConfigError>();
        void Add(string field, string message) => errors.Add(new ConfigError(field.Length == 0 ? path : $"{path}.{field}", message));

        if (!SqlIdentifier.IsValid(source.Name))
        {
            Add("", $"source name {ErrorText.Quote(source.Name)} is invalid: {SqlIdentifier.Rule}");
        }

        // Text PostgreSQL refuses (NUL, unpaired surrogates) anywhere in the definition: refused here, by field, so it
        // never reaches a jsonb column. Other checks below skip such values rather than report them twice.
        foreach (var (field, text) in Texts(source))
        {
            if (StoredText.Problem(text) is { } problem)
            {
                Add(field, problem);
            }
        }

        var pluginKnown = _plugins.TryGet(source.Plugin, out var plugin);
        if (!pluginKnown && source.Plugin.Length > 0)
        {
            Add("plugin", $"unknown plugin {ErrorText.Quote(source.Plugin)} (known: {string.Join(", ", _plugins.Names.Order())})");
        }

        if (ScheduleRule.Problem(source.Schedule) is { } scheduleProblem)
        {
            Add("schedule", scheduleProblem);
        }

        if (source.Window is { } window)
        {
            foreach (var (field, value) in new[] { ("start", window.Start), ("end", window.End) })
            {
                if (!TimeOnly.TryParseExact(value, "HH:mm", out _))
                {
                    Add($"window.{field}", $"{ErrorText.Quote(value)} is not a time of day HH:mm (UTC)");
                }
            }
        }

        foreach (var (logical, reference) in source.Secrets)
        {
            if (!SecretNameRule.IsValid(reference))
            {
                // Not echoed back: if someone pasted a secret value here, it must not travel further.
                Add($"secrets.{logical}", SecretNameRule.Rule);
            }
        }

        if (source.Streams.Count == 0)
        {
            Add("streams", "at least one stream is required");
        }

        // Identifiers are lower case and always quoted, so equal texts are the same relation (see TargetOwnership).
        var targets = new Dictionary<(string Schema, string Table), string>();
        foreach (var stream in source.Streams)
        {
            var sp = $"streams.{stream.Name}";
            if (!SqlIdentifier.IsValid(stream.Name))
            {
                Add(sp, $"stream name {ErrorText.Quote(stream.Name)} is invalid: {SqlIdentifier.Rule}");
            }

            if (!SqlIdentifier.IsValid(stream.Target.Schema))
            {
                Add($"{sp}.target.schema", $"{ErrorText.Quote(stream.Target.Schema)} is not a valid identifier: {SqlIdentifier.Rule}");
            }
            else if (ReservedSchemas.IsReserved(stream.Target.Schema))
            {
                Add($"{sp}.target.schema", $"{ErrorText.Quote(stream.Target.Schema)} is reserved: {ReservedSchemas.Rule}");
            }

            if (!SqlIdentifier.IsValid(stream.Target.Table))
            {
                Add($"{sp}.target.table", $"{ErrorText.Quote(stream.Target.Table)} is not a valid identifier: {SqlIdentifier.Rule}");
            }
            else if (SqlIdentifier.IsValid(stream.Target.Schema) && !targets.TryAdd((stream.Target.Schema, stream.Target.Table), stream.Name))
            {
                var owner = targets[(stream.Target.Schema, stream.Target.Table)];
                Add($"{sp}.target", $"table {stream.Target.Schema}.{stream.Target.Table} is already the target of stream {ErrorText.Quote(owner)} of this source: {TargetOwnership.Rule}");
            }

            for (var i = 0; i < stream.PrimaryKey.Count; i++)
            {
                Column($"{sp}.primaryKey[{i}]", stream.PrimaryKey[i]);
                if (stream.PrimaryKey.Take(i).Contains(stream.PrimaryKey[i], StringComparer.OrdinalIgnoreCase))
                {
                    Add($"{sp}.primaryKey[{i}]", $"{ErrorText.Quote(stream.PrimaryKey[i])} is already part of the key");
                }
                else if (stream.Protect.TryGetValue(stream.PrimaryKey[i], out var keyMode) && keyMode == ProtectionMode.Encrypt)
                {
                    Add($"{sp}.protect.{stream.PrimaryKey[i]}", $"{Ingest.BatchPreparer.EncryptedKeyRule}");
                }
            }

            if (stream.Cursor is { } protectedCursor && stream.Protect.ContainsKey(protectedCursor))
            {
                Add($"{sp}.protect.{protectedCursor}", Ingest.BatchPreparer.ProtectedCursorRule);
            }

            if (stream.Cursor is { } cursor)
            {
                Column($"{sp}.cursor", cursor);
            }

            var renamedTo = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (from, to) in stream.Rename)
            {
                Column($"{sp}.rename", from, "key ");
                Column($"{sp}.rename.{from}", to);
                if (!renamedTo.Add(to))
                {
                    Add($"{sp}.rename.{from}", $"another column is renamed to {ErrorText.Quote(to)} too");
                }
                else if (to.StartsWith("_daedalus_", StringComparison.OrdinalIgnoreCase))
                {
                    Add($"{sp}.rename.{from}", $"{ErrorText.Quote(to)} is reserved: names starting with _daedalus_ are Daedalus's bookkeeping columns");
                }
            }

            // "*" is every column but the key and cursor (tables.yaml's encryption: true).
            foreach (var column in stream.Protect.Keys.Where(k => k != Ingest.BatchPreparer.ProtectEveryColumn))
            {
                Column($"{sp}.protect", column, "key ");
            }

            for (var i = 0; i < stream.Qa.Count; i++)
            {
                ValidateQaRule(stream.Qa[i], $"{sp}.qa[{i}]", Add);
                if (stream.Qa[i].Column.Length > 0)
                {
                    Column($"{sp}.qa[{i}].column", stream.Qa[i].Column);
                }
            }
        }

        for (var i = 0; i < source.Metrics.Count; i++)
        {
            var metric = source.Metrics[i];
            var mp = $"metrics[{i}]";
            if (!SqlIdentifier.IsValid(metric.Name))
            {
                Add($"{mp}.name", $"{ErrorText.Quote(metric.Name)} is not a valid metric name: {SqlIdentifier.Rule}");
            }

            if (source.FindStream(metric.Stream) is null)
            {
                Add($"{mp}.stream", $"{ErrorText.Quote(metric.Stream)} is not a stream of this source");
            }

            if (metric.Time.Length == 0)
            {
                Add($"{mp}.time", "required: the column holding the event time");
            }
            else
            {
                Column($"{mp}.time", metric.Time);
            }

            if (metric.Value is { Length: > 0 } valueColumn)
            {
                Column($"{mp}.value", valueColumn);
            }

            for (var l = 0; l < metric.Labels.Count; l++)
            {
                Column($"{mp}.labels[{l}]", metric.Labels[l]);
            }

            if (metric.AggregateKind is not { } aggregate)
            {
                Add($"{mp}.aggregate", $"{ErrorText.Quote(metric.Aggregate)} is not one of {string.Join(", ", Metrics.SeriesAggregates.Names)}");
            }
            else if (aggregate != Metrics.SeriesAggregate.Count && string.IsNullOrEmpty(metric.Value))
            {
                Add($"{mp}.value", $"required for aggregate '{metric.Aggregate}'");
            }

            if (!TryParseBucket(metric.Bucket, out _))
            {
                Add($"{mp}.bucket", $"{ErrorText.Quote(metric.Bucket)} is not a bucket width like 1m, 15m, 1h, 1d");
            }
        }

        if (pluginKnown)
        {
            foreach (var message in plugin.Validate(source))
            {
                // Plugins say "settings.x: why" or "streams.s.settings.x: why"; the part before ": " is the field path.
                var match = PluginMessage().Match(message);
                if (match.Success)
                {
                    Add(match.Groups[1].Value, match.Groups[2].Value);
                }
                else
                {
                    Add("", message);
                }
            }
        }

        // Every plugin refuses credentials in its own settings with a tailored remedy; this catches what none of them
        // names (a free-form key, a future plugin), so the API never stores a value its read answers would mask.
        foreach (var (field, key, value) in Settings(source))
        {
            var fullPath = $"{path}.{field}";
            if (PlainTextCredentialRule.IsPlainCredentialSetting(key, value) && !errors.Any(e => e.Path == fullPath && PlainTextCredentialRule.IsRefusal(e.Message)))
            {
                var reason = PlainTextCredentialRule.UrlCredential(value)
                    ?? (PlainTextCredentialRule.IsCredentialValue(value) ? "the value is a credential" : $"{ErrorText.Quote(ErrorText.Printable(key[(key.LastIndexOf('.') + 1)..]))} names a credential");
                Add(field, PlainTextCredentialRule.Refusal(reason, $"put it in the secret store and name it in the source's secrets: (see docs/plugins/{ErrorText.Printable(source.Plugin)}.md)"));
            }
        }

        return errors;

        // Column names are identifiers like target names: no quotes, whitespace, control characters or escapes.
        void Column(string field, string name, string what = "")
        {
            if (StoredText.IsStorable(name) && !SqlIdentifier.IsValid(name))
            {
                Add(field, $"{what}{ErrorText.Quote(name)} is not a valid column name: {SqlIdentifier.Rule}");
            }
        }
    }

    /// <summary>Every string of a definition with its field path (keys as well as values), for the storable-text check.</summary>
    private static IEnumerable<(string Field, string? Text)> Texts(SourceDefinition source)
    {
        yield return ("plugin", source.Plugin);
        yield return ("schedule", source.Schedule);
        yield return ("window.start", source.Window?.Start);
        yield return ("window.end", source.Window?.End);
        foreach (var item in MapTexts("settings", source.Settings))
        {
            yield return item;
        }

        foreach (var item in MapTexts("secrets", source.Secrets))
        {
            yield return item;
        }

        foreach (var stream in source.Streams)
        {
            var sp = $"streams.{stream.Name}";
            yield return (sp, stream.Name);
            yield return ($"{sp}.cursor", stream.Cursor);
            yield return ($"{sp}.target.schema", stream.Target.Schema);
            yield return ($"{sp}.target.table", stream.Target.Table);
            for (var i = 0; i < stream.PrimaryKey.Count; i++)
            {
                yield return ($"{sp}.primaryKey[{i}]", stream.PrimaryKey[i]);
            }

            foreach (var item in MapTexts($"{sp}.rename", stream.Rename).Concat(MapTexts($"{sp}.settings", stream.Settings)))
            {
                yield return item;
            }

            foreach (var column in stream.Protect.Keys)
            {
                yield return ($"{sp}.protect", column);
            }

            for (var i = 0; i < stream.Qa.Count; i++)
            {
                var rule = stream.Qa[i];
                yield return ($"{sp}.qa[{i}].column", rule.Column);
                yield return ($"{sp}.qa[{i}].rule", rule.Rule);
                yield return ($"{sp}.qa[{i}].pattern", rule.Pattern);
                for (var v = 0; v < rule.Values.Count; v++)
                {
                    yield return ($"{sp}.qa[{i}].values[{v}]", rule.Values[v]);
                }
            }
        }

        for (var i = 0; i < source.Metrics.Count; i++)
        {
            var metric = source.Metrics[i];
            var mp = $"metrics[{i}]";
            yield return ($"{mp}.name", metric.Name);
            yield return ($"{mp}.stream", metric.Stream);
            yield return ($"{mp}.time", metric.Time);
            yield return ($"{mp}.value", metric.Value);
            yield return ($"{mp}.aggregate", metric.Aggregate);
            yield return ($"{mp}.bucket", metric.Bucket);
            for (var l = 0; l < metric.Labels.Count; l++)
            {
                yield return ($"{mp}.labels[{l}]", metric.Labels[l]);
            }
        }

        foreach (var channel in source.Notifications)
        {
            var cp = $"notifications.{channel.Name}";
            yield return (cp, channel.Name);
            yield return ($"{cp}.format", channel.Format);
            yield return ($"{cp}.url", channel.Url);
            for (var e = 0; e < channel.Events.Count; e++)
            {
                yield return ($"{cp}.events[{e}]", channel.Events[e]);
            }
        }
    }

    /// <summary>Every setting of the source and its streams with its field path and its key as stored.</summary>
    private static IEnumerable<(string Field, string Key, string Value)> Settings(SourceDefinition source) =>
        source.Settings.Select(kv => ($"settings.{kv.Key}", kv.Key, kv.Value))
            .Concat(source.Streams.SelectMany(stream => stream.Settings.Select(kv => ($"streams.{stream.Name}.settings.{kv.Key}", kv.Key, kv.Value))));

    private static IEnumerable<(string Field, string? Text)> MapTexts(string path, Dictionary<string, string> map)
    {
        foreach (var (key, value) in map)
        {
            yield return (path, key);
            yield return ($"{path}.{key}", value);
        }
    }

    [GeneratedRegex(@"^((?:settings|streams)\.[^\s:]*): (.+)$", RegexOptions.Singleline)]
    private static partial Regex PluginMessage();

    private static void ValidateQaRule(QaRuleDefinition rule, string path, Action<string, string> add)
    {
        if (rule.Column.Length == 0)
        {
            add($"{path}.column", "required");
        }

        switch (rule.Kind)
        {
            case QaRuleKind.NotNull:
                break;
            case QaRuleKind.Matches:
                if (string.IsNullOrEmpty(rule.Pattern))
                {
                    add($"{path}.pattern", "required for rule 'matches'");
                }
                else
                {
                    try
                    {
                        _ = new Regex(rule.Pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
                    }
                    catch (ArgumentException ex)
                    {
                        add($"{path}.pattern", $"not a valid regular expression: {ErrorText.Printable(ex.Message)}");
                    }
                }

                break;
            case QaRuleKind.Range:
                if (rule.Min is null && rule.Max is null)
                {
                    add(path, "rule 'range' needs min, max or both");
                }
                else if (rule.Min > rule.Max)
                {
                    add(path, "min is greater than max");
                }

                break;
            case QaRuleKind.OneOf:
                if (rule.Values.Count == 0)
                {
                    add($"{path}.values", "required for rule 'one_of'");
                }

                break;
            case QaRuleKind.MaxLength:
                if (rule.Length is null or < 1)
                {
                    add($"{path}.length", "required positive length for rule 'max_length'");
                }

                break;
            default:
                add($"{path}.rule", $"{ErrorText.Quote(rule.Rule)} is not a rule (known: {string.Join(", ", QaRuleKinds.Names)})");
                break;
        }
    }
}
