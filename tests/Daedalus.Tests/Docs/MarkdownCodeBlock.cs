namespace Daedalus.Tests.Docs;

/// <summary>
/// A fenced code block of a Markdown file: its info string (language), its text, the <c>doc-test</c> marker of the
/// HTML comment right before it (null when there is none) and the 1-based line of its opening fence.
/// </summary>
public sealed record MarkdownCodeBlock(string Language, string Text, string? Marker, int Line)
{
    private const string MarkerPrefix = "<!-- doc-test:";

    /// <summary>Every fenced block (``` or ~~~) of <paramref name="markdown"/>, in document order.</summary>
    public static IReadOnlyList<MarkdownCodeBlock> Read(string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var blocks = new List<MarkdownCodeBlock>();
        string? lastText = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].TrimStart();
            if (!trimmed.StartsWith("```", StringComparison.Ordinal) && !trimmed.StartsWith("~~~", StringComparison.Ordinal))
            {
                if (trimmed.Length > 0)
                {
                    lastText = trimmed;
                }

                continue;
            }

            var fence = trimmed[..3];
            var language = trimmed[3..].Trim();
            var start = i;
            var body = new List<string>();
            for (i++; i < lines.Length && !lines[i].TrimStart().StartsWith(fence, StringComparison.Ordinal); i++)
            {
                body.Add(lines[i]);
            }

            var marker = lastText is not null && lastText.StartsWith(MarkerPrefix, StringComparison.Ordinal) && lastText.EndsWith("-->", StringComparison.Ordinal)
                ? lastText[MarkerPrefix.Length..^3].Trim()
                : null;
            blocks.Add(new MarkdownCodeBlock(language, string.Join('\n', body), marker, start + 1));
            lastText = null;
        }

        return blocks;
    }
}
