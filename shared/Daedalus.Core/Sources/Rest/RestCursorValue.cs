using System.Globalization;

namespace Daedalus.Sources.Rest;

/// <summary>
/// Cursor values as the API wrote them (text): compared as instants when both are ISO 8601 timestamps, as exact
/// numbers when both are numbers, else ordinally; and written into the incremental parameter less the lookback.
/// </summary>
public static class RestCursorValue
{
    /// <summary>The larger of two cursor values (null counts as smallest).</summary>
    public static string? Max(string? a, string? b) => a is null ? b : b is null ? a : Compare(a, b) >= 0 ? a : b;

    public static int Compare(string a, string b)
    {
        if (TryTimestamp(a, out var ta) && TryTimestamp(b, out var tb))
        {
            return ta.CompareTo(tb);
        }

        if (TryNumber(a, out var na) && TryNumber(b, out var nb))
        {
            return na.CompareTo(nb);
        }

        return string.CompareOrdinal(a, b);
    }

    /// <summary>The request parameter's value for a stored cursor, or null when it cannot be formatted as asked.</summary>
    public static string? ForRequest(string value, RestIncrementalSettings incremental)
    {
        if (TryTimestamp(value, out var time))
        {
            var from = time - incremental.Lookback;
            return incremental.Format switch
            {
                RestCursorFormat.UnixSeconds => from.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                RestCursorFormat.UnixMilliseconds => from.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
                RestCursorFormat.Raw when incremental.Lookback == TimeSpan.Zero => value,
                _ => Iso(from),
            };
        }

        if (TryNumber(value, out var number))
        {
            return incremental.Format switch
            {
                // An epoch cursor with a lookback: the lookback in the same unit.
                RestCursorFormat.UnixSeconds => (number - (decimal)incremental.Lookback.TotalSeconds).ToString(CultureInfo.InvariantCulture),
                RestCursorFormat.UnixMilliseconds => (number - (decimal)incremental.Lookback.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
                _ => value,
            };
        }

        return incremental.Format == RestCursorFormat.Raw ? value : null;
    }

    private static string Iso(DateTimeOffset time) =>
        time.UtcTicks % TimeSpan.TicksPerSecond == 0
            ? time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>An ISO 8601 date-time with a UTC offset or Z (a date alone or a local time is not an instant).</summary>
    public static bool TryTimestamp(string text, out DateTimeOffset value)
    {
        value = default;
        return text.Length >= 20 && text[10] is 'T' or 't' or ' '
            && (text.EndsWith('Z') || text.EndsWith('z') || text[^6] is '+' or '-')
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    private static bool TryNumber(string text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value);
}
