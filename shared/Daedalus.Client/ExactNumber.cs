using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace Daedalus.Client;

/// <summary>
/// A finite decimal number held as its exact digits, for values that <see cref="decimal"/> cannot always hold (PostgreSQL
/// <c>numeric</c> keeps up to 131072 digits before the point and 16383 after; <see cref="decimal"/> 28-29 significant
/// digits and a scale of at most 28). <see cref="Text"/> is canonical: an optional '-', the integer digits without
/// leading zeros (a single "0" when there are none), then '.' and the fraction digits as given (the scale is part of
/// the value, as with <see cref="decimal"/>: "1.50" and "1.5" are different texts). On the wire it is a plain JSON
/// number with every digit (<see cref="ExactNumberJsonConverter"/>).
/// </summary>
[JsonConverter(typeof(ExactNumberJsonConverter))]
public readonly record struct ExactNumber
{
    private readonly string? _text;

    private ExactNumber(string text) => _text = text;

    /// <summary>The canonical digits; "0" for the default value.</summary>
    public string Text => _text ?? "0";

    /// <summary>
    /// Parses a plain or exponent decimal number ("-12.50", "1.5E+3", "0.000001") into its canonical form. Throws
    /// <see cref="FormatException"/> for anything else (NaN, infinities, empty, thousands separators, stray characters)
    /// and for an exponent beyond ±200000.
    /// </summary>
    public static ExactNumber Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new ExactNumber(Canonical(text.Trim()));
    }

    /// <summary>As <see cref="Parse"/>, false instead of an exception.</summary>
    public static bool TryParse(string? text, out ExactNumber value)
    {
        try
        {
            value = text is null ? default : Parse(text);
            return text is not null;
        }
        catch (FormatException)
        {
            value = default;
            return false;
        }
    }

    /// <summary>The same number as a <see cref="decimal"/>, only when that holds every digit (scale kept).</summary>
    public bool TryGetDecimal(out decimal value) =>
        decimal.TryParse(Text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value)
        && value.ToString(CultureInfo.InvariantCulture) == Text;

    /// <summary>The same number as a <see cref="decimal"/>; <see cref="OverflowException"/> when that would lose a digit.</summary>
    public decimal ToDecimal() =>
        TryGetDecimal(out var value) ? value : throw new OverflowException($"{Text} does not fit a decimal without rounding");

    public static implicit operator ExactNumber(decimal value) => new(value.ToString(CultureInfo.InvariantCulture));

    public static implicit operator ExactNumber(long value) => new(value.ToString(CultureInfo.InvariantCulture));

    public override string ToString() => Text;

    /// <summary>Equal when the canonical texts are (so the default value equals "0"; "1.5" and "1.50" differ, as scales do).</summary>
    public bool Equals(ExactNumber other) => string.Equals(Text, other.Text, StringComparison.Ordinal);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);

    private static string Canonical(string text)
    {
        if (text.Length == 0)
        {
            throw new FormatException("empty number");
        }

        var i = 0;
        var negative = false;
        if (text[0] is '-' or '+')
        {
            negative = text[0] == '-';
            i++;
        }

        var integer = new StringBuilder();
        var fraction = new StringBuilder();
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            integer.Append(text[i++]);
        }

        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                fraction.Append(text[i++]);
            }
        }

        if (integer.Length == 0 && fraction.Length == 0)
        {
            throw new FormatException("not a decimal number");
        }

        var exponent = 0;
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (!int.TryParse(text.AsSpan(i), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent) || Math.Abs(exponent) > 200_000)
            {
                throw new FormatException("bad exponent");
            }

            i = text.Length;
        }

        if (i != text.Length)
        {
            throw new FormatException("not a decimal number");
        }

        // Shift the point by the exponent, on the digit strings.
        var digits = integer.ToString() + fraction;
        var point = integer.Length + exponent;
        string intPart, fracPart;
        if (point <= 0)
        {
            intPart = "0";
            fracPart = new string('0', -point) + digits;
        }
        else if (point >= digits.Length)
        {
            intPart = digits + new string('0', point - digits.Length);
            fracPart = "";
        }
        else
        {
            intPart = digits[..point];
            fracPart = digits[point..];
        }

        intPart = intPart.TrimStart('0');
        if (intPart.Length == 0)
        {
            intPart = "0";
        }

        var isZero = intPart == "0" && fracPart.All(c => c == '0');
        var sign = negative && !isZero ? "-" : "";
        return fracPart.Length == 0 ? sign + intPart : $"{sign}{intPart}.{fracPart}";
    }
}
