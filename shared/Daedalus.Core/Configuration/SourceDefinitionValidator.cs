using System.Text.RegularExpressions;
using Daedalus.Sources;
using Daedalus.Storage;
using NCrontab;

namespace Daedalus.Configuration;

/// <summary>
/// Semantic checks shared by the YAML loader and the API: names, cron, windows, identifiers,
/// rules and the plugin's own checks. Returns every error with the field path.
/// </summary>
public sealed class SourceDefinitionValidator
{
    public static readonly string[] QaRules = ["not_null", "matches", "range", "one_of", "max_length"];
    public static readonly string[] Aggregates = ["sum", "count", "avg", "min", "max"];

    private readonly SourcePluginRegistry _plugins;

    public SourceDefinitionValidator(SourcePluginRegistry plugins)
    {
        _plugins = plugins;
    }

    public static bool TryParseSchedule(string expression, out CrontabSchedule? schedule)
    {
        schedule = CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
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
            Add("", $"source name '{source.Name}' is invalid: {SqlIdentifier.Rule}");
        }

        var pluginKnown = _plugins.TryGet(source.Plugin, out var plugin);
        if (!pluginKnown && source.Plugin.Length > 0)
        {
            Add("plugin", $"unknown plugin '{source.Plugin}' (known: {string.Join(", ", _plugins.Names.Order())})");
        }

        if (!TryParseSchedule(source.Schedule, out _))
        {
            Add("schedule", $"'{source.Schedule}' is not a 6-field NCRONTAB expression (sec min hour day month weekday), e.g. '0 */15 * * * *'");
        }

        if (source.Window is { } window)
        {
            foreach (var (field, value) in new[] { ("start", window.Start), ("end", window.End) })
            {
                if (!TimeOnly.TryParseExact(value, "HH:mm", out _))
                {
                    Add($"window.{field}", $"'{value}' is not a time of day HH:mm (UTC)");
                }
            }
        }

        if (source.Streams.Count == 0)
        {
            Add("streams", "at least one stream is required");
        }

        var targets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stream in source.Streams)
        {
            var sp = $"streams.{stream.Name}";
            if (!SqlIdentifier.IsValid(stream.Name))
            {
                Add(sp, $"stream name '{stream.Name}' is invalid: {SqlIdentifier.Rule}");
            }

            if (!SqlIdentifier.IsValid(stream.Target.Schema))
            {
                Add($"{sp}.target.schema", $"'{stream.Target.Schema}' is not a valid identifier: {SqlIdentifier.Rule}");
            }

            if (!SqlIdentifier.IsValid(stream.Target.Table))
            {
                Add($"{sp}.target.table", $"'{stream.Target.Table}' is not a valid identifier: {SqlIdentifier.Rule}");
            }
            else if (!targets.Add($"{stream.Target.Schema}.{stream.Target.Table}"))
            {
                Add($"{sp}.target", $"table {stream.Target.Schema}.{stream.Target.Table} is the target of another stream");
            }

            foreach (var key in stream.PrimaryKey.Where(k => !SqlIdentifier.IsValid(k)))
            {
                Add($"{sp}.primaryKey", $"'{key}' is not a valid column name: {SqlIdentifier.Rule}");
            }

            if (stream.Cursor is { } cursor && !SqlIdentifier.IsValid(cursor))
            {
                Add($"{sp}.cursor", $"'{cursor}' is not a valid column name: {SqlIdentifier.Rule}");
            }

            foreach (var (from, to) in stream.Rename)
            {
                if (!SqlIdentifier.IsValid(to))
                {
                    Add($"{sp}.rename.{from}", $"'{to}' is not a valid column name: {SqlIdentifier.Rule}");
                }
            }

            for (var i = 0; i < stream.Qa.Count; i++)
            {
                ValidateQaRule(stream.Qa[i], $"{sp}.qa[{i}]", Add);
            }
        }

        for (var i = 0; i < source.Metrics.Count; i++)
        {
            var metric = source.Metrics[i];
            var mp = $"metrics[{i}]";
            if (!SqlIdentifier.IsValid(metric.Name))
            {
                Add($"{mp}.name", $"'{metric.Name}' is not a valid metric name: {SqlIdentifier.Rule}");
            }

            if (source.FindStream(metric.Stream) is null)
            {
                Add($"{mp}.stream", $"'{metric.Stream}' is not a stream of this source");
            }

            if (metric.Time.Length == 0)
            {
                Add($"{mp}.time", "required: the column holding the event time");
            }

            if (!Aggregates.Contains(metric.Aggregate))
            {
                Add($"{mp}.aggregate", $"'{metric.Aggregate}' is not one of {string.Join(", ", Aggregates)}");
            }
            else if (metric.Aggregate != "count" && string.IsNullOrEmpty(metric.Value))
            {
                Add($"{mp}.value", $"required for aggregate '{metric.Aggregate}'");
            }

            if (!TryParseBucket(metric.Bucket, out _))
            {
                Add($"{mp}.bucket", $"'{metric.Bucket}' is not a bucket width like 1m, 15m, 1h, 1d");
            }
        }

        if (pluginKnown)
        {
            foreach (var message in plugin.Validate(source))
            {
                Add("", message);
            }
        }

        return errors;
    }

    private static void ValidateQaRule(QaRuleDefinition rule, string path, Action<string, string> add)
    {
        if (rule.Column.Length == 0)
        {
            add($"{path}.column", "required");
        }

        switch (rule.Rule)
        {
            case "not_null":
                break;
            case "matches":
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
                        add($"{path}.pattern", $"not a valid regular expression: {ex.Message}");
                    }
                }

                break;
            case "range":
                if (rule.Min is null && rule.Max is null)
                {
                    add(path, "rule 'range' needs min, max or both");
                }
                else if (rule.Min > rule.Max)
                {
                    add(path, "min is greater than max");
                }

                break;
            case "one_of":
                if (rule.Values.Count == 0)
                {
                    add($"{path}.values", "required for rule 'one_of'");
                }

                break;
            case "max_length":
                if (rule.Length is null or < 1)
                {
                    add($"{path}.length", "required positive length for rule 'max_length'");
                }

                break;
            default:
                add($"{path}.rule", $"'{rule.Rule}' is not a rule (known: {string.Join(", ", QaRules)})");
                break;
        }
    }
}
