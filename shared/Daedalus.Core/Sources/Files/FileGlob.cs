using Microsoft.Extensions.FileSystemGlobbing;

namespace Daedalus.Sources.Files;

/// <summary>
/// A stream's file pattern, '/' separated and relative to the folder or container: <c>*</c> within a name,
/// <c>**</c> across folders (<c>exports/**/*.csv</c>), matched case-sensitively (blob names are). <see cref="Prefix"/> is
/// the folder part before the first wildcard, so a container listing asks only for that folder.
/// </summary>
public sealed class FileGlob
{
    private readonly Matcher _matcher = new(StringComparison.Ordinal);

    public FileGlob(string pattern)
    {
        Pattern = pattern.Trim().TrimStart('/');
        _matcher.AddInclude(Pattern);
        var wildcard = Pattern.IndexOfAny(['*', '?', '[', '{']);
        var literal = wildcard < 0 ? Pattern : Pattern[..wildcard];
        var slash = literal.LastIndexOf('/');
        Prefix = slash < 0 ? "" : literal[..(slash + 1)];
    }

    public string Pattern { get; }

    /// <summary>The folder part of the pattern before any wildcard ("" or ending in '/').</summary>
    public string Prefix { get; }

    public bool IsMatch(string name) => _matcher.Match("/", ["/" + name]).HasMatches;
}
