using System.Globalization;
using System.Numerics;

namespace Daedalus.Sources.Snowflake;

/// <summary>
/// A jsonv2 seconds value ("[-]seconds[.fraction]", fraction up to 9 digits) split into whole seconds and
/// nanoseconds without floating point or a 64-bit nanosecond count (which ends at 2262-04-11): time cells are
/// seconds since midnight, timestamp cells seconds since 1970-01-01 UTC. <see cref="Seconds"/> is the floor
/// and <see cref="Nanoseconds"/> the non-negative rest, so "-1.5" is -2 s + 500 000 000 ns (1969-12-31 23:59:58.5).
/// </summary>
public readonly record struct SnowflakeEpochSeconds(long Seconds, int Nanoseconds)
{
    private const int MaxFractionDigits = 9;

    /// <summary>
    /// Parses the cell text. Throws <see cref="FormatException"/> for anything but optional '-', digits and an
    /// optional fraction of 1 to 9 digits (Snowflake's finest precision), <see cref="OverflowException"/> past
    /// a 64-bit count of seconds.
    /// </summary>
    public static SnowflakeEpochSeconds Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var span = text.AsSpan();
        var negative = span.Length > 0 && span[0] == '-';
        if (negative)
        {
            span = span[1..];
        }

        var point = span.IndexOf('.');
        var whole = point < 0 ? span : span[..point];
        var fraction = point < 0 ? [] : span[(point + 1)..];
        if (whole.Length == 0 || !IsDigits(whole) || (point >= 0 && (fraction.Length is 0 or > MaxFractionDigits || !IsDigits(fraction))))
        {
            throw new FormatException("not a seconds value");
        }

        var seconds = long.Parse(whole, NumberStyles.None, CultureInfo.InvariantCulture);
        var nanoseconds = fraction.Length == 0 ? 0 : int.Parse(fraction, NumberStyles.None, CultureInfo.InvariantCulture) * Pow10(MaxFractionDigits - fraction.Length);
        if (!negative)
        {
            return new SnowflakeEpochSeconds(seconds, nanoseconds);
        }

        return nanoseconds == 0
            ? new SnowflakeEpochSeconds(-seconds, 0)
            : new SnowflakeEpochSeconds(checked(-seconds - 1), 1_000_000_000 - nanoseconds);
    }

    /// <summary>
    /// The instant as a UTC <see cref="DateTimeOffset"/>, truncated to the microsecond toward the past (the
    /// clock's digits after the 6th are dropped, never rounded): PostgreSQL holds microseconds, and letting
    /// Npgsql reduce 100 ns ticks instead would move instants before 2000-01-01 up by one microsecond.
    /// <see cref="SnowflakeValueDecoder"/> refuses a value with nanoseconds first, so for loaded values nothing is cut.
    /// Throws <see cref="ArgumentOutOfRangeException"/> or <see cref="OverflowException"/> outside
    /// 0001-01-01 .. 9999-12-31 (what <see cref="DateTimeOffset"/> holds).
    /// </summary>
    public DateTimeOffset ToUtcInstant() =>
        new(checked(DateTime.UnixEpoch.Ticks + (Seconds * TimeSpan.TicksPerSecond) + FractionTicks), TimeSpan.Zero);

    /// <summary>The time of day, truncated to the microsecond like <see cref="ToUtcInstant"/>; throws <see cref="ArgumentOutOfRangeException"/> outside 00:00:00 .. 23:59:59.999999999.</summary>
    public TimeOnly ToTimeOfDay() => Seconds is >= 0 and < 86_400
        ? new TimeOnly((Seconds * TimeSpan.TicksPerSecond) + FractionTicks)
        : throw new ArgumentOutOfRangeException(nameof(Seconds), "not a time of day");

    /// <summary>The value as whole nanoseconds, in decimal text (the SQL API's bind form; any size, e.g. 9999-12-31 is 2.5e20 ns).</summary>
    public string ToNanosecondsText() =>
        ((new BigInteger(Seconds) * 1_000_000_000) + Nanoseconds).ToString(CultureInfo.InvariantCulture);

    // Whole microseconds of the fraction, in 100 ns ticks.
    private long FractionTicks => Nanoseconds / 1_000 * 10L;

    private static bool IsDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static int Pow10(int exponent)
    {
        var result = 1;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }
}
