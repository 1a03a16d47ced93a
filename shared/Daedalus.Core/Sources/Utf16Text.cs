using System.Globalization;
using System.Text;

namespace Daedalus.Sources;

/// <summary>
/// Strings that are not valid Unicode: a UTF-16 surrogate without its partner (half a character, e.g. from a
/// JavaScript string cut in the middle of an emoji). UTF-8, and so PostgreSQL, cannot encode one; .NET's UTF-8
/// encoder would silently put U+FFFD in its place.
/// </summary>
public static class Utf16Text
{
    public static bool HasUnpairedSurrogate(string text)
    {
        var span = text.AsSpan();
        var at = span.IndexOfAnyInRange('\uD800', '\uDFFF');
        while (at >= 0)
        {
            if (!char.IsHighSurrogate(span[at]) || at + 1 >= span.Length || !char.IsLowSurrogate(span[at + 1]))
            {
                return true;
            }

            span = span[(at + 2)..];
            at = span.IndexOfAnyInRange('\uD800', '\uDFFF');
        }

        return false;
    }

    /// <summary>The text with each unpaired surrogate written as the six characters <c>\uXXXX</c> (for quarantine rows, which must be storable).</summary>
    public static string EscapeUnpairedSurrogates(string text)
    {
        var builder = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
