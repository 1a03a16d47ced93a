using Daedalus.Storage;

namespace Daedalus.Sources.Files;

/// <summary>
/// A stream's <c>settings.columns</c>: <c>name:type</c> items separated by commas (a YAML list of such items works too),
/// e.g. <c>id:integer, amount:decimal, created_at:timestamp</c>. Types: text, integer, decimal, double, boolean, date,
/// time, timestamp, json. Names are the columns as loaded (CSV headers and JSON keys are matched after the same
/// normalisation: lower case, other characters to '_').
/// </summary>
public static class DeclaredColumns
{
    public static readonly string[] TypeNames = ["text", "integer", "decimal", "double", "boolean", "date", "time", "timestamp", "json"];

    /// <summary>The declared columns in order; problems (with the setting's path) go to <paramref name="errors"/>.</summary>
    public static List<ColumnSchema> Parse(string text, string path, List<string> errors)
    {
        var columns = new List<ColumnSchema>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = item.IndexOf(':', StringComparison.Ordinal);
            var name = (colon < 0 ? item : item[..colon]).Trim();
            var typeText = colon < 0 ? "" : item[(colon + 1)..].Trim().ToLowerInvariant();
            if (!SqlIdentifier.IsValid(name))
            {
                errors.Add($"{path}: '{name}' is not a valid column name: {SqlIdentifier.Rule}");
                continue;
            }

            if (FilesSourcePlugin.BookkeepingColumns.Contains(name))
            {
                errors.Add($"{path}: '{name}' is a column the plugin adds itself ({string.Join(", ", FilesSourcePlugin.BookkeepingColumns)})");
                continue;
            }

            if (Array.IndexOf(TypeNames, typeText) < 0)
            {
                errors.Add($"{path}: column '{name}' needs a type after ':' ({string.Join(", ", TypeNames)})");
                continue;
            }

            if (columns.Any(c => c.Name == name))
            {
                errors.Add($"{path}: column '{name}' is declared twice");
                continue;
            }

            columns.Add(new ColumnSchema(name, Enum.Parse<ColumnType>(typeText, ignoreCase: true)));
        }

        return columns;
    }

    /// <summary>The setting's text for <paramref name="columns"/> (what discovery offers to paste).</summary>
    public static string Format(IEnumerable<ColumnSchema> columns) =>
        string.Join(", ", columns.Select(c => $"{c.Name}:{c.Type.ToString().ToLowerInvariant()}"));
}
