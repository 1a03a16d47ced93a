using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Daedalus.Tests.Grafana;

/// <summary>
/// What Infinity's backend parser makes of a JSON answer: the root selector picks the row array (a property path,
/// optionally with a JSONata filter <c>[field=value]</c>), each column reads a dotted path of each row and converts it
/// to its type. Then the panel's "partition by values" splits the rows into one frame per value combination and
/// "sort by" orders them. A missing selector or a value of the wrong type is an error, as Infinity shows one.
/// </summary>
public static partial class InfinityFrameReader
{
    public static List<Dictionary<string, object?>> Rows(JsonElement answer, string rootSelector, IReadOnlyList<InfinityColumn> columns)
    {
        var match = RootPattern().Match(rootSelector);
        Assert.True(match.Success, $"root selector '{rootSelector}' is not a path with an optional [field=value] filter");
        var array = Path(answer, match.Groups["path"].Value) ?? throw new InvalidOperationException($"root selector '{rootSelector}' matches nothing");
        Assert.Equal(JsonValueKind.Array, array.ValueKind);
        var rows = array.EnumerateArray();
        IEnumerable<JsonElement> selected = rows;
        if (match.Groups["field"].Success)
        {
            var field = match.Groups["field"].Value;
            var value = match.Groups["value"].Value;
            selected = rows.Where(r => Path(r, field) is { } v && (v.ValueKind == JsonValueKind.String ? v.GetString() == value.Trim('"', '\'') : v.GetRawText() == value));
        }

        return selected.Select(row => columns.ToDictionary(c => c.Text, c => Convert(Path(row, c.Selector), c))).ToList();
    }

    public static List<List<Dictionary<string, object?>>> Partition(List<Dictionary<string, object?>> rows, IReadOnlyList<string> fields) =>
        fields.Count == 0
            ? [rows]
            : rows.GroupBy(r => string.Join("\u001f", fields.Select(f => r[f]))).Select(g => g.ToList()).ToList();

    private static object? Convert(JsonElement? value, InfinityColumn column)
    {
        if (value is not { } v || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return column.Type switch
        {
            "number" => v.GetDouble(),
            "string" => v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText(),
            // Infinity's backend parser reads ISO 8601 / RFC 3339 in "Auto" time format.
            "timestamp" => DateTimeOffset.Parse(v.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
            "timestamp_epoch" => DateTimeOffset.FromUnixTimeMilliseconds(v.GetInt64()),
            _ => throw new InvalidOperationException($"column type '{column.Type}' is not modelled"),
        };
    }

    private static JsonElement? Path(JsonElement element, string path)
    {
        var current = element;
        foreach (var part in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out current))
            {
                return null;
            }
        }

        return current;
    }

    [GeneratedRegex(@"^(?<path>[A-Za-z_][\w.]*)(\[(?<field>\w+)=(?<value>[^\]]+)\])?$")]
    private static partial Regex RootPattern();
}
