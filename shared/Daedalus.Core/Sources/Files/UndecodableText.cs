using System.Text;

namespace Daedalus.Sources.Files;

/// <summary>
/// Bytes that are not valid in a file's encoding (Latin-1 "é" in a file read as UTF-8) must not land as U+FFFD or
/// '?': that is a silent change of the value. A file is decoded with <see cref="Marking"/>, which turns each invalid
/// byte sequence into the noncharacter U+FDD0 (reserved by Unicode for such internal use; .NET refuses a lone
/// surrogate as fallback output), so the reader can refuse just the record holding it (<see cref="IsUndecodable"/>)
/// instead of failing the file or landing a replacement character. A file that really holds U+FDD0 has its record
/// refused too: a false alarm, never a silent change.
/// </summary>
public static class UndecodableText
{
    private const char Mark = '\uFDD0';

    /// <summary><paramref name="encoding"/> with invalid input marked instead of replaced.</summary>
    public static Encoding Marking(Encoding encoding)
    {
        var marking = (Encoding)encoding.Clone();
        marking.DecoderFallback = MarkFallback.Instance;
        return marking;
    }

    /// <summary>
    /// Whether decoded text holds a mark or an unpaired surrogate (neither comes from valid input; PostgreSQL
    /// stores neither as what the file meant).
    /// </summary>
    public static bool IsUndecodable(ReadOnlySpan<char> text)
    {
        if (text.Contains(Mark))
        {
            return true;
        }

        var index = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (index < 0)
        {
            return false;
        }

        for (var i = index; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The rejection reason for a cell or line that <see cref="IsUndecodable"/>.</summary>
    public static string Problem(Encoding encoding) =>
        $"is not valid {encoding.WebName} (the stream's encoding setting; set it to the file's encoding, e.g. latin1 or windows-1252)";

    private sealed class MarkFallback : DecoderFallback
    {
        public static readonly MarkFallback Instance = new();

        public override int MaxCharCount => 1;

        public override DecoderFallbackBuffer CreateFallbackBuffer() => new MarkBuffer();
    }

    private sealed class MarkBuffer : DecoderFallbackBuffer
    {
        private bool _pending;

        public override int Remaining => _pending ? 1 : 0;

        public override bool Fallback(byte[] bytesUnknown, int index)
        {
            _pending = true;
            return true;
        }

        public override char GetNextChar()
        {
            if (!_pending)
            {
                return '\0';
            }

            _pending = false;
            return Mark;
        }

        public override bool MovePrevious()
        {
            if (_pending)
            {
                return false;
            }

            _pending = true;
            return true;
        }

        public override void Reset() => _pending = false;
    }
}
