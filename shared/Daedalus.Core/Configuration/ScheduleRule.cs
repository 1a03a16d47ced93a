using NCrontab;

namespace Daedalus.Configuration;

/// <summary>
/// A source's <c>schedule</c>: a 6-field NCRONTAB expression (seconds first, UTC) as NCrontab itself parses it,
/// that fires at all (not <c>0 0 0 30 2 *</c>) and never twice within <see cref="MinimumInterval"/>.
/// </summary>
public static class ScheduleRule
{
    /// <summary>The shortest allowed time between two pulls a schedule asks for.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(10);

    /// <summary>A day-of-month/month pair that exists only in leap years still fires within this horizon.</summary>
    private static readonly TimeSpan Horizon = TimeSpan.FromDays(366 * 8 + 2);

    private static readonly CrontabSchedule.ParseOptions Options = new() { IncludingSeconds = true };

    /// <summary>The parsed schedule, or null when NCrontab cannot read <paramref name="expression"/>.</summary>
    public static CrontabSchedule? Parse(string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression) || !StoredText.IsStorable(expression))
        {
            return null;
        }

        try
        {
            return CrontabSchedule.TryParse(expression, Options);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or ArithmeticException or IndexOutOfRangeException or InvalidOperationException)
        {
            // A step of 0 and other corner cases may surface as exceptions other than the parse failure TryParse reports.
            return null;
        }
    }

    /// <summary>Why <paramref name="expression"/> is not a usable schedule, or null. Never echoes control characters.</summary>
    public static string? Problem(string? expression)
    {
        var shown = Printable(expression ?? "");
        var schedule = Parse(expression);
        if (schedule is null)
        {
            return $"'{shown}' is not a 6-field NCRONTAB expression (sec min hour day month weekday), e.g. '0 */15 * * * *'";
        }

        var start = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var first = schedule.GetNextOccurrence(start, start + Horizon);
        if (first >= start + Horizon)
        {
            return $"'{shown}' never fires (no such date)";
        }

        // The tightest gap shows within two days of occurrences (cron repeats daily, bar day/month fields).
        var previous = first;
        var count = 0;
        foreach (var next in schedule.GetNextOccurrences(first, first.AddDays(2)))
        {
            if (next - previous < MinimumInterval)
            {
                return $"'{shown}' fires more often than every {MinimumInterval.TotalSeconds:0} seconds, the shortest interval between pulls";
            }

            previous = next;
            if (++count > 20_000)
            {
                break;
            }
        }

        return null;
    }

    private static string Printable(string text) =>
        text.Length <= 64 && text.All(c => c >= ' ' && c < 0x7f) ? text : "(unprintable expression)";
}
