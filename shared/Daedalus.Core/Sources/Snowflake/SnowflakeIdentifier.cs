using System.Text.RegularExpressions;

namespace Daedalus.Sources.Snowflake;

/// <summary>
/// Snowflake object and column names from config. Each dot-separated part is either a plain identifier
/// (resolved upper-case, as Snowflake resolves unquoted names) or a double-quoted case-sensitive one; both are
/// emitted double-quoted, and anything else is rejected, so config can never inject SQL.
/// </summary>
public static partial class SnowflakeIdentifier
{
    public const string Rule = "letters, digits, _ or $ (not starting with a digit or $), or a \"quoted\" name of letters, digits, spaces, _, $ or -; parts separated by dots";

    public static bool TryQuote(string? name, int maxParts, out string quoted)
    {
        quoted = "";
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        var parts = new List<string>();
        foreach (var part in SplitParts(name.Trim()))
        {
            if (PlainPart().IsMatch(part))
            {
                parts.Add($"\"{part.ToUpperInvariant()}\"");
            }
            else if (QuotedPart().IsMatch(part))
            {
                parts.Add(part);
            }
            else
            {
                return false;
            }
        }

        if (parts.Count == 0 || parts.Count > maxParts)
        {
            return false;
        }

        quoted = string.Join(".", parts);
        return true;
    }

    public static string Quote(string name, int maxParts = 1) =>
        TryQuote(name, maxParts, out var quoted) ? quoted : throw new SourceException($"'{name}' is not a valid Snowflake identifier ({Rule})");

    /// <summary>The name as Snowflake reports it in rowType (unquoted names upper-case, quoted ones verbatim).</summary>
    public static string Resolved(string name)
    {
        var quoted = Quote(name);
        return quoted[1..^1];
    }

    private static IEnumerable<string> SplitParts(string name)
    {
        var start = 0;
        var inQuotes = false;
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (name[i] == '.' && !inQuotes)
            {
                yield return name[start..i];
                start = i + 1;
            }
        }

        yield return name[start..];
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_$]{0,254}$")]
    private static partial Regex PlainPart();

    [GeneratedRegex("^\"[A-Za-z0-9_$][A-Za-z0-9_$ -]{0,254}\"$")]
    private static partial Regex QuotedPart();
}
