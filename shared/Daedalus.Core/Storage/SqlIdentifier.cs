using System.Text.RegularExpressions;

namespace Daedalus.Storage;

/// <summary>
/// Identifiers from config (schemas, tables, columns) are validated against a strict pattern and
/// always emitted double-quoted, so config can never inject SQL.
/// </summary>
public static partial class SqlIdentifier
{
    public const string Rule = "lowercase letter or underscore first, then lowercase letters, digits or underscores, at most 63 characters";

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    public static string Quote(string name) =>
        IsValid(name) ? $"\"{name}\"" : throw new ArgumentException($"'{name}' is not a valid identifier ({Rule})", nameof(name));

    public static string Qualified(string schema, string table) => $"{Quote(schema)}.{Quote(table)}";

    /// <summary>Turns arbitrary source names (monday column titles, Snowflake upper case) into valid identifiers.</summary>
    public static string Normalize(string name)
    {
        var chars = name.Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray();
        var result = Collapse().Replace(new string(chars), "_").Trim('_');
        if (result.Length == 0 || char.IsAsciiDigit(result[0]))
        {
            result = "c_" + result;
        }

        return result.Length > 63 ? result[..63] : result;
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex Pattern();

    [GeneratedRegex("_+")]
    private static partial Regex Collapse();
}
