using System.Globalization;

namespace Daedalus.Sources.QuickBooks;

/// <summary>
/// QuickBooks' Date and DateTime values, read strictly. A Date is <c>yyyy-MM-dd</c> (the API also documents a
/// <c>Z</c> or <c>±HH:MM</c> suffix; the calendar date as written is kept, a zone does not change which day it
/// names). A DateTime is <c>yyyy-MM-ddTHH:mm:ss</c> with up to 7 fraction digits and an explicit <c>Z</c> or
/// <c>±HH:MM</c> offset (QuickBooks sends the company's offset, e.g. <c>2015-07-24T10:33:39-07:00</c>); it becomes
/// the same instant in UTC. A DateTime without an offset is in the company's time zone, which the plugin does not
/// know, so it is refused rather than guessed. A DateTime whose fraction has a non-zero digit past the microsecond is
/// refused as a value (<see cref="TemporalPrecision"/>), but still read by <see cref="TryParseTimestamp"/> (a watermark
/// or the server's time need no column). Errors never quote the value.
/// </summary>
public static class QuickBooksDateTime
{
    private static readonly string[] OffsetFormats = ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz"];
    private static readonly string[] UtcFormats = ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"];

    /// <summary>The calendar date; throws <see cref="FormatException"/> for anything else.</summary>
    public static DateOnly ParseDate(string text)
    {
        var day = text.Length >= 10 ? text[..10] : text;
        var zone = text.Length > 10 ? text[10..] : "";
        if (zone.Length > 0 && zone != "Z" && !IsOffset(zone))
        {
            throw new FormatException("not a QuickBooks Date (yyyy-MM-dd, optionally with Z or ±HH:MM)");
        }

        return DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new FormatException("not a QuickBooks Date (yyyy-MM-dd, optionally with Z or ±HH:MM)");
    }

    /// <summary>
    /// The instant, in UTC; throws <see cref="FormatException"/> when the text is not a DateTime with an offset, the
    /// instant is outside 0001–9999 in UTC, or it has non-zero digits past the microsecond (PostgreSQL keeps microseconds).
    /// </summary>
    public static DateTimeOffset ParseTimestamp(string text)
    {
        if (TryParseTimestamp(text, out var time))
        {
            return TemporalPrecision.FitsMicroseconds(text) ? time : throw new FormatException(TemporalPrecision.Problem);
        }

        throw new FormatException("not a QuickBooks DateTime with an offset (yyyy-MM-ddTHH:mm:ss[.fffffff]±HH:MM or Z) within 0001-01-01 and 9999-12-31 UTC");
    }

    public static bool TryParseTimestamp(string? text, out DateTimeOffset time)
    {
        time = default;
        if (text is null)
        {
            return false;
        }

        try
        {
            if (DateTimeOffset.TryParseExact(text, OffsetFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var offset)
                || DateTimeOffset.TryParseExact(text, UtcFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out offset))
            {
                time = offset.ToUniversalTime();
                return true;
            }
        }
        catch (ArgumentOutOfRangeException)
        {
            // 9999-12-31T23:59:59-07:00 is past DateTimeOffset's range in UTC; refuse it like any other bad value.
        }

        return false;
    }

    private static bool IsOffset(string zone) =>
        zone.Length == 6 && zone[0] is '+' or '-' && char.IsAsciiDigit(zone[1]) && char.IsAsciiDigit(zone[2]) && zone[3] == ':'
        && char.IsAsciiDigit(zone[4]) && char.IsAsciiDigit(zone[5]);
}
