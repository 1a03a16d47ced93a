using System.Text;
using System.Text.Unicode;
using Daedalus.Configuration;

namespace Daedalus.Sources;

/// <summary>
/// A source API's body as text. HttpContent.ReadAsStringAsync decodes with a replacing decoder: bytes not valid in
/// the body's charset became U+FFFD, parsed as JSON and landed as the value, silently. <see cref="Of"/> refuses
/// them in a success's body, so the page fails with a clear error, and replaces them only in error bodies, which
/// feed messages, never rows. The encoding is chosen as ReadAsStringAsync chooses it: the Content-Type's
/// charset, else a byte order mark (UTF-8, UTF-16, UTF-32), else UTF-8 (RFC 8259).
/// </summary>
public static class ResponseText
{
    static ResponseText()
    {
        // windows-1252, iso-8859-2 and the other code pages a server may declare, whatever else ran in this process.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    /// <summary>
    /// The body as text, or null when its bytes are not valid in its encoding, or when it declares a charset this
    /// process cannot decode (guessing one would be a silent change).
    /// </summary>
    private static string? Strict(byte[] body, string? charset)
    {
        if (EncodingOf(body, charset) is not { } encoding)
        {
            return null;
        }

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

    /// <summary>
    /// A response's body as text: a success's strictly (its bytes are data; invalid ones throw a
    /// <see cref="SourceException"/>: "<paramref name="answered"/> answered HTTP 200 with a body that is not valid
    /// utf-8; nothing of that <paramref name="unit"/> was loaded"), any other leniently, for its error message.
    /// </summary>
    public static string Of(int status, byte[] body, string? charset, string answered, string unit) =>
        Strict(body, charset) ?? (status is >= 200 and < 300
            ? throw new SourceException($"{answered} answered HTTP {status} with a body that is not valid {CharsetName(body, charset)}; nothing of that {unit} was loaded")
            : Lenient(body, charset));

    /// <summary>The body as text with invalid bytes replaced: for error messages, never for data.</summary>
    private static string Lenient(byte[] body, string? charset)
    {
        var encoding = EncodingOf(body, charset) ?? Encoding.UTF8;
        return encoding.GetString(WithoutPreamble(body, encoding));
    }

    /// <summary>The name of the encoding the body is decoded with, for messages.</summary>
    private static string CharsetName(byte[] body, string? charset) =>
        EncodingOf(body, charset)?.WebName ?? $"{ErrorText.Printable(charset!.Trim().Trim('"'))} (a charset this process cannot decode)";

    private static Encoding? EncodingOf(byte[] body, string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset))
        {
            return FromPreamble(body) ?? Encoding.UTF8;
        }

        try
        {
            return Encoding.GetEncoding(charset.Trim().Trim('"'));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static Encoding? FromPreamble(ReadOnlySpan<byte> body) => body switch
    {
        [0xEF, 0xBB, 0xBF, ..] => Encoding.UTF8,
        [0xFF, 0xFE, 0x00, 0x00, ..] => Encoding.UTF32,
        [0x00, 0x00, 0xFE, 0xFF, ..] => new UTF32Encoding(bigEndian: true, byteOrderMark: true),
        [0xFF, 0xFE, ..] => Encoding.Unicode,
        [0xFE, 0xFF, ..] => Encoding.BigEndianUnicode,
        _ => null,
    };

    // ReadAsStringAsync drops a byte order mark; so does this, for the body's own encoding.
    private static ReadOnlySpan<byte> WithoutPreamble(byte[] body, Encoding encoding)
    {
        var preamble = encoding.Preamble;
        return preamble.Length > 0 && body.AsSpan().StartsWith(preamble) ? body.AsSpan(preamble.Length) : body;
    }
}
