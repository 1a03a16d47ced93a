using System.Text;
using System.Text.RegularExpressions;

namespace Daedalus.Tests.Docs;

/// <summary>
/// One command of a documented shell block, as a POSIX shell splits it: unquoted newlines end a command, a
/// backslash-newline continues it, quotes (also across lines) and <c># comments</c> are honoured. Only what the
/// docs need is understood; <see cref="Words"/> refuses the rest (command substitution outside an assignment,
/// pipes, redirections, unset variables) so a doc cannot drift into shell the tests silently misread.
/// </summary>
public sealed partial record ShellCommand(string Text, string? Comment, int Line)
{
    /// <summary>The commands of a block, in order (blank and comment-only lines give none).</summary>
    public static IReadOnlyList<ShellCommand> Split(string block, int firstLine)
    {
        var commands = new List<ShellCommand>();
        var text = new StringBuilder();
        string? comment = null;
        var line = firstLine;
        var startLine = firstLine;
        var quote = '\0';
        var atWordStart = true;
        for (var i = 0; i < block.Length; i++)
        {
            var c = block[i];
            if (quote != '\0')
            {
                text.Append(c);
                if (c == '\\' && quote == '"' && i + 1 < block.Length)
                {
                    text.Append(block[++i]);
                }
                else if (c == quote)
                {
                    quote = '\0';
                }

                line += c == '\n' ? 1 : 0;
                continue;
            }

            switch (c)
            {
                case '\\' when i + 1 < block.Length && block[i + 1] == '\n':
                    i++;
                    line++;
                    text.Append(' ');
                    atWordStart = true;
                    continue;
                case '\\' when i + 1 < block.Length:
                    text.Append(c).Append(block[++i]);
                    atWordStart = false;
                    continue;
                case '\'' or '"':
                    quote = c;
                    text.Append(c);
                    atWordStart = false;
                    continue;
                case '#' when atWordStart:
                    var end = block.IndexOf('\n', i);
                    comment = (end < 0 ? block[(i + 1)..] : block[(i + 1)..end]).Trim();
                    i = (end < 0 ? block.Length : end) - 1;
                    continue;
                case '\n':
                    Flush();
                    line++;
                    startLine = line;
                    atWordStart = true;
                    continue;
                default:
                    text.Append(c);
                    atWordStart = char.IsWhiteSpace(c);
                    continue;
            }
        }

        if (quote != '\0')
        {
            throw new FormatException($"line {startLine}: unclosed {quote} quote");
        }

        Flush();
        return commands;

        void Flush()
        {
            var command = text.ToString().Trim();
            if (command.Length > 0)
            {
                commands.Add(new ShellCommand(command, comment, startLine));
            }

            text.Clear();
            comment = null;
        }
    }

    /// <summary>
    /// The command's words after quote removal and expansion of <c>$NAME</c> and <c>${NAME}</c> (outside single
    /// quotes); an unset variable, <c>$(…)</c>, a pipe, a redirection, <c>&amp;</c> or <c>;</c> is a
    /// <see cref="FormatException"/>.
    /// </summary>
    public IReadOnlyList<string> Words(IReadOnlyDictionary<string, string> variables)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        var quote = '\0';
        for (var i = 0; i < Text.Length; i++)
        {
            var c = Text[i];
            if (quote == '\'')
            {
                if (c == '\'')
                {
                    quote = '\0';
                }
                else
                {
                    word.Append(c);
                }

                continue;
            }

            if (c == '$')
            {
                i = Expand(i, word, variables);
                inWord = true;
                continue;
            }

            if (quote == '"')
            {
                if (c == '"')
                {
                    quote = '\0';
                }
                else if (c == '\\' && i + 1 < Text.Length && Text[i + 1] is '"' or '\\' or '$')
                {
                    word.Append(Text[++i]);
                }
                else
                {
                    word.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '\'' or '"':
                    quote = c;
                    inWord = true;
                    break;
                case '\\' when i + 1 < Text.Length:
                    word.Append(Text[++i]);
                    inWord = true;
                    break;
                case '|' or '&' or ';' or '<' or '>' or '`':
                    throw new FormatException($"line {Line}: '{c}' is not supported in a documented command the tests run: {Text}");
                case var _ when char.IsWhiteSpace(c):
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }

                    break;
                default:
                    word.Append(c);
                    inWord = true;
                    break;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    /// <summary>The status code a <c># NNN …</c> comment shows, or null.</summary>
    public int? ShownStatus => Comment is not null && StatusComment().Match(Comment) is { Success: true } match ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;

    private int Expand(int dollar, StringBuilder word, IReadOnlyDictionary<string, string> variables)
    {
        var rest = Text[(dollar + 1)..];
        var match = VariableReference().Match(rest);
        if (!match.Success)
        {
            throw new FormatException($"line {Line}: only $NAME and ${{NAME}} are supported in a documented command the tests run: {Text}");
        }

        var name = match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value;
        if (!variables.TryGetValue(name, out var value))
        {
            throw new FormatException($"line {Line}: ${name} is used before the doc sets it");
        }

        word.Append(value);
        return dollar + match.Length;
    }

    [GeneratedRegex(@"^(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"^(\d{3})\b")]
    private static partial Regex StatusComment();
}
