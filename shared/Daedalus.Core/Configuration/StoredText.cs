namespace Daedalus.Configuration;

/// <summary>
/// Text PostgreSQL can store: <c>text</c> and <c>jsonb</c> refuse NUL (U+0000), and Npgsql's strict UTF-8 encoder
/// refuses unpaired surrogates. Checked at validation time so such input is a 400/422 naming the field, never a
/// failed statement.
/// </summary>
public static class StoredText
{
    /// <summary>Why <paramref name="text"/> cannot be stored, or null when it can. Never repeats the text.</summary>
    public static string? Problem(string? text)
    {
        if (text is null)
        {
            return null;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                return "contains a NUL character (U+0000), which PostgreSQL cannot store";
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return "contains an unpaired UTF-16 surrogate, which is not valid Unicode text";
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="text"/> can be stored as PostgreSQL text.</summary>
    public static bool IsStorable(string? text) => Problem(text) is null;

    /// <summary>
    /// <paramref name="text"/> made storable (NULs and unpaired surrogates become U+FFFD), for text that comes from
    /// elsewhere (an upstream error body) and must be saved whatever it holds.
    /// </summary>
    public static string Sanitize(string text)
    {
        if (IsStorable(text))
        {
            return text;
        }

        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (chars[i] == '\0' || char.IsSurrogate(chars[i]))
            {
                chars[i] = '\uFFFD';
            }
        }

        return new string(chars);
    }
}
