namespace Daedalus.Sources;

/// <summary>
/// PostgreSQL's timestamptz and time keep microseconds. A value whose fraction of a second has a non-zero digit past
/// the 6th cannot land as the source holds it (and Npgsql, given 100 ns ticks, moves instants before 2000-01-01 up by
/// a microsecond), so plugins refuse it rather than cut or round it; zeros past the 6th digit change nothing and pass.
/// </summary>
public static class TemporalPrecision
{
    /// <summary>The reason a refused value's record carries (the value itself is never quoted: it may be sensitive).</summary>
    public const string Problem = "has non-zero digits beyond the microsecond, and PostgreSQL keeps only microseconds";

    /// <summary>
    /// Whether the seconds fraction of an ISO 8601 time or date-time text (<c>HH:mm:ss.ffffff…</c>, the fraction after
    /// the first ':') has no non-zero digit past the 6th.
    /// </summary>
    public static bool FitsMicroseconds(ReadOnlySpan<char> text)
    {
        var colon = text.IndexOf(':');
        if (colon < 0)
        {
            return true;
        }

        var clock = text[colon..];
        var point = clock.IndexOfAny('.', ',');
        if (point < 0)
        {
            return true;
        }

        var digits = clock[(point + 1)..];
        var end = digits.IndexOfAnyExceptInRange('0', '9');
        if (end >= 0)
        {
            digits = digits[..end];
        }

        return digits.Length <= 6 || digits[6..].IndexOfAnyExcept('0') < 0;
    }

    /// <summary>Whether whole nanoseconds (0 .. 999 999 999) are whole microseconds.</summary>
    public static bool FitsMicroseconds(int nanoseconds) => nanoseconds % 1_000 == 0;
}
