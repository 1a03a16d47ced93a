using NCrontab;

namespace Daedalus.Configuration;

/// <summary>
/// tables.yaml's <c>schedule</c> ↔ a source's 6-field NCRONTAB (UTC): <c>daily</c> is 00:00, <c>hourly</c> minute 0,
/// a 5-field cron gets second 0, a 6-field one is taken as is. Writing back picks the shortest form that reads back the same.
/// </summary>
public static class TablesSchedule
{
    public const string Daily = "0 0 0 * * *";
    public const string Hourly = "0 0 * * * *";

    public static string? ToCron(string text)
    {
        var trimmed = text.Trim();
        var cron = trimmed.ToLowerInvariant() switch
        {
            "daily" => Daily,
            "hourly" => Hourly,
            _ => trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length switch
            {
                5 => "0 " + trimmed,
                6 => trimmed,
                _ => null,
            },
        };
        return cron is not null && CrontabSchedule.TryParse(cron, new CrontabSchedule.ParseOptions { IncludingSeconds = true }) is not null ? cron : null;
    }

    public static string FromCron(string cron) => cron switch
    {
        Daily => "daily",
        Hourly => "hourly",
        _ when cron.StartsWith("0 ", StringComparison.Ordinal) && cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 => cron[2..],
        _ => cron,
    };
}
