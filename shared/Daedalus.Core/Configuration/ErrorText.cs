namespace Daedalus.Configuration;

/// <summary>
/// Config values as error messages repeat them: quoted when short and printable, otherwise described, so a message
/// never carries control characters, ANSI escapes or NULs into a terminal, a log or an API answer.
/// </summary>
public static class ErrorText
{
    public const int MaxShown = 64;

    public static string Quote(string? value)
    {
        value ??= "";
        if (value.Length > MaxShown)
        {
            return $"(a value of {value.Length} characters)";
        }

        return value.All(c => c >= ' ' && c != '\x7f' && !char.IsSurrogate(c) && !char.IsControl(c))
            ? $"'{value}'"
            : "(a value with control or invalid characters)";
    }

    /// <summary><paramref name="text"/> with every control or invalid character replaced by '?'.</summary>
    public static string Printable(string text) =>
        new(text.Select(c => c < ' ' || c == '\x7f' || char.IsSurrogate(c) || char.IsControl(c) ? '?' : c).ToArray());
}
