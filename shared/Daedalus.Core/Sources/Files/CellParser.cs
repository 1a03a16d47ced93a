using System.Globalization;
using System.Text.RegularExpressions;

namespace Daedalus.Sources.Files;

/// <summary>
/// Turns a cell's text into the value of its column type, exactly or not at all: integers as <see cref="long"/>,
/// decimals through <see cref="NumericText.Parse"/> (never through double), dates as <see cref="DateOnly"/>,
/// times as <see cref="TimeOnly"/>, timestamps as <see cref="DateTimeOffset"/> with their offset kept (ISO 8601;
/// without an offset a timestamp is taken as UTC). Never a different value: a number with a leading zero, or one past
/// double's range, is refused. A failure returns what the text is not, never the text itself.
/// </summary>
public static partial class CellParser
{
    /// <summary>The value, or null and the problem (e.g. "is not a whole number") in <paramref name="problem"/>.</summary>
    public static object? Parse(string text, ColumnType type, out string? problem)
    {
        problem = null;
        switch (type)
        {
            case ColumnType.Text:
            case ColumnType.Json:
                return text;
            case ColumnType.Integer:
                if (HasLeadingZero(text))
                {
                    problem = LeadingZeroProblem;
                    return null;
                }

                if (IntegerShape().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
                {
                    return integer;
                }

                problem = "is not a whole number in the 64-bit range";
                return null;
            case ColumnType.Decimal:
                if (HasLeadingZero(text))
                {
                    problem = LeadingZeroProblem;
                    return null;
                }

                if (DecimalShape().IsMatch(text))
                {
                    try
                    {
                        return NumericText.Parse(text);
                    }
                    catch (OverflowException)
                    {
                        problem = "is beyond PostgreSQL numeric's range";
                        return null;
                    }
                    catch (FormatException)
                    {
                    }
                }

                problem = "is not a decimal number";
                return null;
            case ColumnType.Double:
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    // NaN and Infinity written as such land as such; a number written in digits that double cannot
                    // hold would land as ±Infinity or 0 instead (PostgreSQL's own float8 input refuses both).
                    if (!double.IsFinite(number) && text.AsSpan().IndexOfAnyInRange('0', '9') >= 0)
                    {
                        problem = "is beyond double precision's range";
                        return null;
                    }

                    if (number == 0 && MantissaDigits().Match(text).Value.AsSpan().IndexOfAnyInRange('1', '9') >= 0)
                    {
                        problem = "is too small for double precision (it would become 0)";
                        return null;
                    }

                    return number;
                }

                problem = "is not a floating-point number";
                return null;
            case ColumnType.Boolean:
                if (TryBoolean(text, out var flag))
                {
                    return flag;
                }

                problem = "is not a boolean (true/false, yes/no, 1/0)";
                return null;
            case ColumnType.Date:
                if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    return date;
                }

                problem = "is not a date (yyyy-MM-dd)";
                return null;
            case ColumnType.Time:
                if (TimeShape().Match(text.Trim()) is { Success: true } time && FractionFits(time.Groups["f"])
                    && TimeOnly.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var clock))
                {
                    return clock;
                }

                problem = "is not a time of day (HH:mm[:ss[.ffffff]])";
                return null;
            case ColumnType.Timestamp:
                if (TryTimestamp(text, out var instant, out problem))
                {
                    return instant;
                }

                return null;
            default:
                problem = $"has a column type ({type}) files cannot hold";
                return null;
        }
    }

    /// <summary>ISO 8601 date and time with an optional offset ('Z', +hh:mm, +hhmm); none means UTC. At most microseconds.</summary>
    public static bool TryTimestamp(string text, out DateTimeOffset instant, out string? problem)
    {
        instant = default;
        problem = "is not an ISO 8601 timestamp (yyyy-MM-ddTHH:mm[:ss[.ffffff]][Z|+hh:mm])";
        var trimmed = text.Trim();
        var match = TimestampShape().Match(trimmed);
        if (!match.Success)
        {
            return false;
        }

        if (!FractionFits(match.Groups["f"]))
        {
            problem = "has more precision than PostgreSQL's microseconds";
            return false;
        }

        if (!DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out instant))
        {
            return false;
        }

        problem = null;
        return true;
    }

    public static bool TryBoolean(string text, out bool value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "true" or "t" or "yes" or "y" or "1":
                value = true;
                return true;
            case "false" or "f" or "no" or "n" or "0":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    private const string LeadingZeroProblem = "has a leading zero, which a number would lose (declare the column as text to keep it)";

    /// <summary>
    /// A zero before another digit ("02134", "-007", "00.5"): such a cell is a code, and a number would land it
    /// shorter than the file holds it. Inference makes such columns text; a cell past the sample, or in a declared
    /// (or pinned) column, is refused rather than silently shortened. "0", "-0", "0.5" are plain numbers.
    /// </summary>
    private static bool HasLeadingZero(string text)
    {
        var digits = text.AsSpan().Trim().TrimStart("+-");
        return digits.Length > 1 && digits[0] == '0' && char.IsAsciiDigit(digits[1]);
    }

    /// <summary>Up to 6 fraction digits, or more whose extra digits are all zero (nothing PostgreSQL would round away).</summary>
    private static bool FractionFits(Group fraction) =>
        !fraction.Success || fraction.Value.Length <= 6 || fraction.Value.AsSpan(6).IndexOfAnyExcept('0') < 0;

    [GeneratedRegex(@"^\s*[+-]?[0-9]+\s*$")]
    private static partial Regex IntegerShape();

    [GeneratedRegex(@"^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*$")]
    private static partial Regex DecimalShape();

    /// <summary>The digits before any exponent.</summary>
    [GeneratedRegex(@"^[^eE]*")]
    private static partial Regex MantissaDigits();

    [GeneratedRegex(@"^[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.(?<f>[0-9]+))?)?$")]
    private static partial Regex TimeShape();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.(?<f>[0-9]+))?)?(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)?$")]
    private static partial Regex TimestampShape();
}
