using System.Text;
using System.Text.Unicode;

namespace Daedalus.Sources;

/// <summary>
/// A source API's body as text. HttpContent.ReadAsStringAsync decodes with a replacing decoder: bytes not valid in
/// the body's charset became U+FFFD, parsed as JSON and landed as the value, silently. <see cref="Strict"/> refuses
/// them instead, so the caller fails the page with a clear error; <see cref="Lenient"/> is for error bodies only,
/// which feed messages, never rows.
/// </summary>
public static class ResponseText
{
    /// <summary>The body as text, or null when its bytes are not valid in its charset (UTF-8 unless the Content-Type names another).</summary>
    public static string? Strict(byte[] body, string? charset)
    {
        var encoding = EncodingOf(charset);
        var bytes = WithoutPreamble(body, encoding);
        if (encoding.CodePage == Encoding.UTF8.CodePage)
        {
            return Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : null;
        }

        var strict = (Encoding)encoding.Clone();
        strict.DecoderFallback = DecoderFallback.ExceptionFallback;
        try
        {
            return strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>The body as text with invalid bytes replaced: for error messages, never for data.</summary>
    public static string Lenient(byte[] body, string? charset)
    {
        var encoding = EncodingOf(charset);
        return encoding.GetString(WithoutPreamble(body, encoding));
    }

    /// <summary>The name of the charset the body is decoded with, for messages.</summary>
    public static string CharsetName(string? charset) => EncodingOf(charset).WebName;

    private static Encoding EncodingOf(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset))
        {
            return Encoding.UTF8;
        }

        try
        {
            return Encoding.GetEncoding(charset.Trim().Trim('"'));
        }
        catch (ArgumentException)
        {
            // A charset .NET does not know (ReadAsStringAsync threw here): JSON is UTF-8 (RFC 8259), checked strictly.
            return Encoding.UTF8;
        }
    }

    // ReadAsStringAsync drops a byte order mark; so does this, for the body's own encoding.
    private static ReadOnlySpan<byte> WithoutPreamble(byte[] body, Encoding encoding)
    {
        var preamble = encoding.Preamble;
        return preamble.Length > 0 && body.AsSpan().StartsWith(preamble) ? body.AsSpan(preamble.Length) : body;
    }
}
