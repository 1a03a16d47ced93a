using System.Globalization;

namespace Daedalus.Application.Sources;

/// <summary>The entity tag of a source version: a strong tag, the version in quotes (<c>"12"</c>).</summary>
public static class SourceETag
{
    public static string Format(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>The version a strong tag names, or null for anything else (weak tags included).</summary>
    public static long? TryParse(string tag) =>
        tag.Length > 2 && tag[0] == '"' && tag[^1] == '"'
        && long.TryParse(tag.AsSpan(1, tag.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : null;
}
