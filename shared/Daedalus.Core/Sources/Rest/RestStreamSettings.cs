using System.Text.RegularExpressions;
using Daedalus.Configuration;
using Daedalus.Storage;

namespace Daedalus.Sources.Rest;

/// <summary>
/// A rest stream's <c>settings:</c>: the request (<c>path</c> under the base URL, <c>params</c>), where the records
/// are (<c>records</c>: a dotted path, <c>$</c> for a top-level array), declared <c>columns</c> (name → type; without
/// them types are inferred from a sample), the <c>paginator</c>, the <c>incremental</c> parameter, and for a child
/// stream its <c>parent</c> stream, whose records fill <c>{parent.field}</c> in the path, and
/// <c>includeFromParent</c> fields copied into columns named <c>_{parent}_{field}</c>.
/// </summary>
public sealed partial record RestStreamSettings(
    string Path,
    IReadOnlyList<KeyValuePair<string, string>> Params,
    string[] RecordsPath,
    IReadOnlyList<ColumnSchema> Columns,
    RestPaginatorSettings Paginator,
    RestIncrementalSettings? Incremental,
    string? Parent,
    IReadOnlyList<string> IncludeFromParent)
{
    private static readonly Dictionary<string, ColumnType> Types = new()
    {
        ["text"] = ColumnType.Text,
        ["integer"] = ColumnType.Integer,
        ["decimal"] = ColumnType.Decimal,
        ["double"] = ColumnType.Double,
        ["boolean"] = ColumnType.Boolean,
        ["date"] = ColumnType.Date,
        ["time"] = ColumnType.Time,
        ["timestamp"] = ColumnType.Timestamp,
        ["json"] = ColumnType.Json,
    };

    /// <summary>The <c>{parent.field}</c> placeholders of <see cref="Path"/>: the parent record's dotted paths.</summary>
    public IReadOnlyList<string> Placeholders => [.. Placeholder().Matches(Path).Select(m => m.Groups["field"].Value)];

    /// <summary>The column a parent field is copied into (dlt's naming).</summary>
    public string ParentColumn(string field) => $"_{Parent}_{field.Replace('.', '_')}";

    public static RestStreamSettings From(StreamDefinition stream, List<string>? errors = null)
    {
        var problems = errors ?? [];
        var reader = new RestSettingReader(stream.Settings, $"streams.{stream.Name}.settings", problems);
        var path = reader.Text("path") ?? "";
        if (path.Length == 0)
        {
            reader.Error("path", "required (the endpoint under baseUrl, e.g. /repos/{owner}/{repo}/issues)");
        }
        else if (path.Contains('?', StringComparison.Ordinal) || path.Contains("://", StringComparison.Ordinal))
        {
            reader.Error("path", "must be a path under baseUrl without a query (put query parameters in params)");
        }

        var columns = new List<ColumnSchema>();
        foreach (var (name, typeText) in reader.Section("columns"))
        {
            if (!SqlIdentifier.IsValid(name))
            {
                reader.Error($"columns.{name}", $"'{name}' is not a valid column name: {SqlIdentifier.Rule} (a nested field a.b is the column a__b)");
            }
            else if (!Types.TryGetValue(typeText.Trim().ToLowerInvariant(), out var type))
            {
                reader.Error($"columns.{name}", $"'{typeText}' is not a column type ({string.Join(", ", Types.Keys)})");
            }
            else
            {
                columns.Add(new ColumnSchema(name, type));
            }
        }

        var parameters = reader.Section("params");
        reader.RefuseCredentials("params", parameters, inQuery: true);
        var parent = reader.Text("parent");
        var include = (reader.Text("includeFromParent") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        var settings = new RestStreamSettings(
            path,
            parameters,
            RestJsonPath.Parse(reader.Text("records") ?? "$"),
            columns,
            RestPaginatorSettings.From(reader),
            RestIncrementalSettings.From(reader),
            parent,
            include);
        if (parent is null && (settings.Placeholders.Count > 0 || include.Count > 0))
        {
            reader.Error("parent", "required when path has {parent.field} placeholders or includeFromParent is set");
        }

        if (parent is not null && settings.Incremental is not null)
        {
            reader.Error("incremental", "a child stream is incremental through its parent's incremental parameter; remove it here");
        }

        foreach (var field in include.Where(f => !SqlIdentifier.IsValid(settings.ParentColumn(f))))
        {
            reader.Error("includeFromParent", $"'{field}' does not make a valid column name");
        }

        if (stream.PrimaryKey.Count == 0)
        {
            problems.Add($"streams.{stream.Name}.primaryKey: required for rest streams (the field(s) that identify a record, e.g. [id])");
        }

        if (stream.Mode == SyncMode.Incremental && stream.Cursor is null)
        {
            problems.Add($"streams.{stream.Name}.cursor: required for incremental rest streams (the field that grows when a record changes, e.g. updated_at); or use mode: full");
        }

        reader.RejectUnknown();
        if (errors is null && problems.Count > 0)
        {
            throw new SourceException(string.Join("; ", problems));
        }

        return settings;
    }

    [GeneratedRegex(@"\{parent\.(?<field>[A-Za-z0-9_.\-]+)\}")]
    private static partial Regex Placeholder();
}
