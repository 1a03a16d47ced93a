using System.Text.RegularExpressions;
using Daedalus.Configuration;

namespace Daedalus.Sources.Snowflake;

/// <summary>
/// One stream's <c>settings:</c>: a <c>table</c> or a <c>query</c> (a SELECT, wrapped as a subquery), an optional
/// <c>watermark</c> column (required for incremental streams) and an optional soft-delete flag column. Builds the
/// statements the plugin runs; cursor values only ever travel as bindings.
/// </summary>
public sealed partial record SnowflakeStreamSettings(string Relation, string? Watermark, string? WatermarkColumn, string? DeletedColumn)
{
    public static SnowflakeStreamSettings From(StreamDefinition stream, List<string>? errors = null)
    {
        var settings = PluginSettings.Of(stream, errors);
        void Error(string name, string message) => settings.Error(name, message);
        string? Text(string name) => settings.Text(name);

        var table = Text("table");
        var query = Text("query");
        var from = "";
        if ((table is null) == (query is null))
        {
            Error("", "set exactly one of table or query");
        }
        else if (table is not null)
        {
            if (SnowflakeIdentifier.TryQuote(table, 3, out var quoted))
            {
                from = quoted;
            }
            else
            {
                Error("table", $"{ErrorText.Quote(table)} is not a table name ([database.][schema.]table; {SnowflakeIdentifier.Rule})");
            }
        }
        else
        {
            var text = query!.TrimEnd().TrimEnd(';').Trim();
            if (!SelectStart().IsMatch(text))
            {
                Error("query", "must be a single SELECT (or WITH ... SELECT) statement");
            }
            else if (text.Contains(';', StringComparison.Ordinal))
            {
                Error("query", "must be a single statement (no ';')");
            }
            else
            {
                // Newlines keep a trailing -- comment in the user's query from swallowing the closing parenthesis.
                from = $"(\n{text}\n) AS \"DAEDALUS_QUERY\"";
            }
        }

        string? Column(string name)
        {
            var value = Text(name);
            if (value is null)
            {
                return null;
            }

            if (SnowflakeIdentifier.TryQuote(value, 1, out var quoted))
            {
                return quoted;
            }

            Error(name, $"{ErrorText.Quote(value)} is not a column name ({SnowflakeIdentifier.Rule})");
            return null;
        }

        var watermark = Column("watermark");
        var deleted = Column("deletedColumn");
        if (stream.Mode == Sources.SyncMode.Incremental && watermark is null && Text("watermark") is null)
        {
            Error("watermark", "is required for incremental streams (the column that grows when a row changes)");
        }

        if (stream.PrimaryKey.Count == 0)
        {
            (errors ?? []).Add($"streams.{stream.Name}.primaryKey: is required for Snowflake streams (column names as loaded, lower case)");
            if (errors is null)
            {
                throw new SourceException($"streams.{stream.Name}.primaryKey is required for Snowflake streams");
            }
        }

        settings.RefuseUnknown();
        if (errors is null && settings.Errors.Count > 0)
        {
            throw new SourceException(string.Join("; ", settings.Errors));
        }

        return new SnowflakeStreamSettings(from, watermark, watermark?[1..^1], deleted?[1..^1]);
    }

    /// <summary>Reads no rows; its rowType is the stream's schema.</summary>
    public string DescribeStatement() => $"SELECT * FROM {Relation} WHERE 1 = 0";

    /// <summary>Everything, or everything at or after the bound watermark (inclusive: rows sharing the last value are re-read, merge dedupes).</summary>
    public string ReadStatement(bool fromWatermark)
    {
        if (Watermark is null)
        {
            return $"SELECT * FROM {Relation}";
        }

        return fromWatermark
            ? $"SELECT * FROM {Relation} WHERE {Watermark} >= ? ORDER BY {Watermark}"
            : $"SELECT * FROM {Relation} ORDER BY {Watermark}";
    }

    [GeneratedRegex(@"^(SELECT|WITH)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SelectStart();
}
