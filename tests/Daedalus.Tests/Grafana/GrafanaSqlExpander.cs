using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Daedalus.Tests.Grafana;

/// <summary>
/// Turns a panel's rawSql into the SQL Grafana's PostgreSQL data source sends: template variables first (as the
/// frontend interpolates them, multi-value variables as quoted lists), then the backend macros ($__timeFilter,
/// $__timeGroup, ...) with the same output as Grafana's postgres macro engine (non-TimescaleDB).
/// An unknown variable or macro is an error, so a typo in a dashboard fails its test.
/// </summary>
public sealed partial class GrafanaSqlExpander
{
    private readonly DateTimeOffset _from;
    private readonly DateTimeOffset _to;
    private readonly TimeSpan _interval;
    private readonly IReadOnlyDictionary<string, GrafanaVariableValue> _variables;

    public GrafanaSqlExpander(DateTimeOffset from, DateTimeOffset to, TimeSpan interval, IReadOnlyDictionary<string, GrafanaVariableValue> variables)
    {
        _from = from.ToUniversalTime();
        _to = to.ToUniversalTime();
        _interval = interval;
        _variables = variables;
    }

    public string Expand(string rawSql) => ExpandMacros(ExpandVariables(rawSql));

    /// <summary>Grafana interval syntax: a number and a unit (ms, s, m, h, d, w, y).</summary>
    public static TimeSpan ParseInterval(string text)
    {
        var match = IntervalPattern().Match(text.Trim().Trim('\''));
        if (!match.Success)
        {
            throw new FormatException($"'{text}' is not a Grafana interval");
        }

        var n = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(n),
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            "d" => TimeSpan.FromDays(n),
            "w" => TimeSpan.FromDays(7 * n),
            _ => TimeSpan.FromDays(365 * n),
        };
    }

    /// <summary>How Grafana writes an interval into $__interval: the largest unit that divides it.</summary>
    public static string FormatInterval(TimeSpan interval)
    {
        foreach (var (unit, size) in new[] { ("d", TimeSpan.FromDays(1)), ("h", TimeSpan.FromHours(1)), ("m", TimeSpan.FromMinutes(1)), ("s", TimeSpan.FromSeconds(1)) })
        {
            if (interval >= size && interval.Ticks % size.Ticks == 0)
            {
                return $"{interval.Ticks / size.Ticks}{unit}";
            }
        }

        return $"{(long)interval.TotalMilliseconds}ms";
    }

    private string ExpandVariables(string sql) => VariablePattern().Replace(sql, match =>
    {
        var name = match.Groups["braced"].Success ? match.Groups["braced"].Value : match.Groups["bracket"].Success ? match.Groups["bracket"].Value : match.Groups["plain"].Value;
        var format = match.Groups["format"].Success ? match.Groups["format"].Value : null;
        switch (name)
        {
            case "__interval":
                return FormatInterval(_interval);
            case "__interval_ms":
                return ((long)_interval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            case "__range_s":
                return ((long)(_to - _from).TotalSeconds).ToString(CultureInfo.InvariantCulture);
            case "__range_ms":
                return ((long)(_to - _from).TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            case "__range":
                return $"{(long)(_to - _from).TotalSeconds}s";
        }

        if (name.StartsWith("__", StringComparison.Ordinal))
        {
            // A backend macro ($__timeFilter(...)), expanded in the second pass.
            return match.Value;
        }

        if (!_variables.TryGetValue(name, out var variable))
        {
            throw new InvalidOperationException($"unknown template variable '{match.Value}'");
        }

        var quoted = string.Join(",", variable.Values.Select(v => $"'{v.Replace("'", "''", StringComparison.Ordinal)}'"));
        return format switch
        {
            null => variable.Quoted ? quoted : variable.Values.Single().Replace("'", "''", StringComparison.Ordinal),
            "sqlstring" or "singlequote" => quoted,
            "csv" or "raw" => string.Join(",", variable.Values),
            _ => throw new InvalidOperationException($"unsupported variable format '{format}' in '{match.Value}'"),
        };
    });

    private string ExpandMacros(string sql)
    {
        var result = new StringBuilder();
        var position = 0;
        foreach (Match match in MacroPattern().Matches(sql))
        {
            if (match.Index < position)
            {
                continue;
            }

            // Arguments run to the matching parenthesis; commas split them only at depth 0, as in Grafana.
            var depth = 1;
            var end = match.Index + match.Length;
            while (end < sql.Length && depth > 0)
            {
                depth += sql[end] switch { '(' => 1, ')' => -1, _ => 0 };
                end++;
            }

            if (depth != 0)
            {
                throw new InvalidOperationException($"unbalanced parentheses after $__{match.Groups[1].Value}");
            }

            var inner = sql[(match.Index + match.Length)..(end - 1)];
            result.Append(sql, position, match.Index - position).Append(Evaluate(match.Groups[1].Value, SplitArguments(inner)));
            position = end;
        }

        return result.Append(sql, position, sql.Length - position).ToString();
    }

    private static List<string> SplitArguments(string inner)
    {
        var args = new List<string>();
        if (inner.Trim().Length == 0)
        {
            return args;
        }

        var depth = 0;
        var start = 0;
        for (var i = 0; i < inner.Length; i++)
        {
            depth += inner[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (inner[i] == ',' && depth == 0)
            {
                args.Add(inner[start..i].Trim());
                start = i + 1;
            }
        }

        args.Add(inner[start..].Trim());
        return args;
    }

    private string Evaluate(string name, List<string> args)
    {
        string Arg(int index) => index < args.Count ? args[index] : throw new InvalidOperationException($"macro $__{name} needs {index + 1} argument(s)");
        string Seconds() => ParseInterval(Arg(1)).TotalSeconds.ToString("R", CultureInfo.InvariantCulture);
        string Group() => $"floor(extract(epoch from {Arg(0)})/{Seconds()})*{Seconds()}";
        string EpochGroup() => $"floor(({Arg(0)})/{Seconds()})*{Seconds()}";

        return name switch
        {
            "time" => $"{Arg(0)} AS \"time\"",
            "timeEpoch" => $"extract(epoch from {Arg(0)}) AS \"time\"",
            "timeFilter" => $"{Arg(0)} BETWEEN {Rfc3339(_from)} AND {Rfc3339(_to)}",
            "timeFrom" => Rfc3339(_from),
            "timeTo" => Rfc3339(_to),
            "timeGroup" => Group(),
            "timeGroupAlias" => Group() + " AS \"time\"",
            "unixEpochFilter" => $"{Arg(0)} >= {_from.ToUnixTimeSeconds()} AND {Arg(0)} <= {_to.ToUnixTimeSeconds()}",
            "unixEpochFrom" => _from.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            "unixEpochTo" => _to.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            "unixEpochGroup" => EpochGroup(),
            "unixEpochGroupAlias" => EpochGroup() + " AS \"time\"",
            _ => throw new InvalidOperationException($"undefined macro: $__{name}"),
        };
    }

    // Go's time.RFC3339Nano: fractional seconds without trailing zeros, 'Z' for UTC.
    private static string Rfc3339(DateTimeOffset at) => $"'{at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)}'";

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)$")]
    private static partial Regex IntervalPattern();

    [GeneratedRegex(@"\$\{(?<braced>\w+)(?::(?<format>\w+))?\}|\[\[(?<bracket>\w+)\]\]|\$(?<plain>\w+)")]
    private static partial Regex VariablePattern();

    [GeneratedRegex(@"\$__(\w+)\(")]
    private static partial Regex MacroPattern();
}
