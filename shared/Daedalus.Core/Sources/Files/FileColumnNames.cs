using Daedalus.Storage;

namespace Daedalus.Sources.Files;

/// <summary>
/// Column names as loaded from a file's own names (CSV headers, JSON keys, Parquet fields): normalised to identifiers
/// (lower case, other characters to '_', no leading '_', so never a bookkeeping column); a name that repeats gets _2, _3; a headerless CSV's columns are column_1, column_2...
/// </summary>
public static class FileColumnNames
{
    public static List<string> Normalize(IEnumerable<string> names)
    {
        var result = new List<string>();
        foreach (var raw in names)
        {
            var name = SqlIdentifier.Normalize(raw);
            var unique = name;
            for (var n = 2; result.Contains(unique); n++)
            {
                unique = $"{name}_{n}";
            }

            result.Add(unique);
        }

        return result;
    }

    public static List<string> Positional(int count) => Enumerable.Range(1, count).Select(i => $"column_{i}").ToList();
}
