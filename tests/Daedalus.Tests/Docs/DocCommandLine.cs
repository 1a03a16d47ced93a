using System.Text.RegularExpressions;

namespace Daedalus.Tests.Docs;

/// <summary>
/// A <c>daedalus …</c> command line shown in a Markdown file: in a shell code block (a line, or <c>$(…)</c>), or an
/// inline code span that starts with <c>daedalus</c>. Inline spans may be synopses: <c>a|b</c> alternatives,
/// <c>&lt;placeholder&gt;</c>, <c>[optional]</c>.
/// </summary>
public sealed partial record DocCommandLine(string File, int Line, string Text, bool Synopsis, IReadOnlyList<string> Words)
{
    private static readonly HashSet<string> ShellLanguages = ["", "bash", "sh", "shell", "console"];

    public override string ToString() => $"{File}:{Line}: {Text}";

    public static IEnumerable<DocCommandLine> Read(string file, string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        string? fence = null;
        var language = "";
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].TrimStart();
            if (fence is null && (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal)))
            {
                fence = trimmed[..3];
                language = trimmed[3..].Trim();
                continue;
            }

            if (fence is not null && trimmed.StartsWith(fence, StringComparison.Ordinal))
            {
                fence = null;
                continue;
            }

            if (fence is null)
            {
                foreach (Match span in InlineCode().Matches(lines[i]))
                {
                    var text = span.Groups[1].Value.Replace("\\|", "|", StringComparison.Ordinal);
                    if (CommandStart().Match(text) is { Success: true } start)
                    {
                        yield return new DocCommandLine(file, i + 1, text, true, Tokens(text[start.Length..]));
                    }
                }
            }
            else if (ShellLanguages.Contains(language))
            {
                var line = lines[i];
                var first = i;
                while (line.EndsWith('\\') && i + 1 < lines.Length)
                {
                    line = line[..^1] + " " + lines[++i].Trim();
                }

                line = Comment().Replace(line, "");
                if (line.Any(c => c > 0x7f))
                {
                    continue; // a diagram, not a command
                }

                foreach (var part in Separators().Split(line))
                {
                    var command = part.Trim().TrimEnd('&').Trim();
                    if (Substitution().Match(command) is { Success: true } inner)
                    {
                        command = inner.Groups[1].Value;
                    }

                    if (CommandStart().Match(command) is { Success: true } start)
                    {
                        yield return new DocCommandLine(file, first + 1, command, false, Tokens(command[start.Length..]));
                    }
                }
            }
        }
    }

    /// <summary>Whitespace-separated words; quotes are removed, nothing is expanded.</summary>
    private static List<string> Tokens(string text) =>
        [.. Word().Matches(text).Select(m => m.Value.Length > 1 && m.Value[0] is '\'' or '"' && m.Value[^1] == m.Value[0] ? m.Value[1..^1] : m.Value)];

    // Env assignments, an optional "$ " prompt and the path of the built CLI may come first.
    [GeneratedRegex(@"^(?:\$\s+)?(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*(?:artifacts/cli/)?daedalus\s+(?=[a-z-])")]
    private static partial Regex CommandStart();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"(^|\s)#.*$")]
    private static partial Regex Comment();

    [GeneratedRegex(@"&&|;|\|\||\s\|\s")]
    private static partial Regex Separators();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*=\$\((.*)\)$")]
    private static partial Regex Substitution();

    [GeneratedRegex(@"'[^']*'|""[^""]*""|\S+")]
    private static partial Regex Word();
}
