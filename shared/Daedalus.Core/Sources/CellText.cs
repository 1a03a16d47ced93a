using System.Globalization;

namespace Daedalus.Sources;

/// <summary>
/// The text of a decoded cell value where a value must become text: the plaintext that is encrypted or hashed, and
/// what QA <c>matches</c> / <c>one_of</c> rules see. Lossless and culture-free: dates as <c>yyyy-MM-dd</c>, times as
/// <c>HH:mm:ss</c> with the fraction's significant digits, timestamps as the UTC instant
/// <c>yyyy-MM-ddTHH:mm:ss[.fffffff]Z</c> (what a <c>timestamptz</c> column keeps), numbers with every digit and their
/// scale; anything else as its invariant text. <see cref="Convert.ToString(object, IFormatProvider)"/> gave dates in
/// US order and cut timestamps to the second and times to the minute, so distinct values hashed alike.
/// </summary>
public static class CellText
{
    public static string Format(object value) => value switch
    {
        string text => text,
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly time => time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateTimeOffset instant => Instant(instant.UtcDateTime),
        DateTime instant => Instant(instant.Kind == DateTimeKind.Local ? instant.ToUniversalTime() : DateTime.SpecifyKind(instant, DateTimeKind.Utc)),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        float number => number.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static string Instant(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
