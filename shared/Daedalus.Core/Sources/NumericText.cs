using System.Globalization;
using Daedalus.Client;

namespace Daedalus.Sources;

/// <summary>
/// A decimal value that <see cref="decimal"/> cannot hold exactly (more than 28-29 significant digits, or a scale
/// above 28), kept as its canonical text: optional '-', digits, optional '.' and digits, no exponent, no leading
/// zeros beyond one before the point. PostgreSQL <c>numeric</c> stores it exactly (up to 131072 digits before the
/// point and 16383 after). Produced by <see cref="Parse"/>; written to PostgreSQL as text and cast to numeric.
/// </summary>
public readonly record struct NumericText(string Value)
{
    /// <summary>PostgreSQL numeric's limits: digits before and after the decimal point.</summary>
    public const int MaxIntegerDigits = 131072;

    /// <summary>PostgreSQL numeric's limit on digits after the decimal point.</summary>
    public const int MaxFractionDigits = 16383;

    public override string ToString() => Value;

    /// <summary>
    /// Parses a plain or exponent decimal ("-12.50", "1.5E+3") into a <see cref="decimal"/> when that is exact,
    /// otherwise into a <see cref="NumericText"/> holding every digit. Trailing zeros of the fraction are kept
    /// when the value is a decimal (scale is part of the value); throws <see cref="FormatException"/> for
    /// anything that is not a finite decimal number, and <see cref="OverflowException"/> past PostgreSQL's limits.
    /// </summary>
    public static object Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // The common case, a plain number of at most 28 digits, is exact as a decimal as it stands: parsed without the
        // canonical form's string work (every decimal cell of every source comes through here). Zero takes the long
        // way, which drops the minus sign a decimal would keep.
        if (IsShortPlain(text)
            && decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var plain)
            && plain != 0)
        {
            return plain;
        }

        var canonical = Canonical(text.Trim());
        if (decimal.TryParse(canonical, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            && SameDigits(number.ToString(CultureInfo.InvariantCulture), canonical))
        {
            return number;
        }

        return new NumericText(canonical);
    }

    /// <summary>Whether <paramref name="value"/> is a number Daedalus stores as numeric (a decimal, an integer or a <see cref="NumericText"/>).</summary>
    public static bool IsNumeric(object? value) => value is decimal or long or int or NumericText;

    /// <summary>An optional sign, then 1 to 28 digits with at most one '.' among them: nothing a decimal would round.</summary>
    private static bool IsShortPlain(ReadOnlySpan<char> text)
    {
        var i = text.Length > 0 && text[0] is '-' or '+' ? 1 : 0;
        var digits = 0;
        var point = false;
        for (; i < text.Length; i++)
        {
            if (char.IsAsciiDigit(text[i]))
            {
                digits++;
            }
            else if (text[i] == '.' && !point)
            {
                point = true;
            }
            else
            {
                return false;
            }
        }

        return digits is > 0 and <= 28;
    }

    /// <summary>
    /// decimal.Parse rounds silently past 28-29 digits and caps the scale at 28 (dropping trailing zeros of a longer
    /// fraction, which are part of a numeric's value): exact only when it prints back as the canonical text.
    /// </summary>
    private static bool SameDigits(string formatted, string canonical) => formatted == canonical;

    private static string Canonical(string text)
    {
        var canonical = ExactNumber.Parse(text).Text;
        var digits = canonical.AsSpan().TrimStart('-');
        var point = digits.IndexOf('.');
        if ((point < 0 ? digits.Length : point) > MaxIntegerDigits || (point < 0 ? 0 : digits.Length - point - 1) > MaxFractionDigits)
        {
            throw new OverflowException("beyond PostgreSQL numeric's range");
        }

        return canonical;
    }
}
