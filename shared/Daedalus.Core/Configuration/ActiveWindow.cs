namespace Daedalus.Configuration;

/// <summary>Times of day (UTC, HH:mm) between which scheduled pulls may start; may wrap midnight.</summary>
public sealed class ActiveWindow
{
    public string Start { get; set; } = "00:00";

    public string End { get; set; } = "23:59";

    public bool Contains(DateTimeOffset instant)
    {
        var start = TimeOnly.ParseExact(Start, "HH:mm");
        var end = TimeOnly.ParseExact(End, "HH:mm");
        var now = TimeOnly.FromTimeSpan(instant.UtcDateTime.TimeOfDay);
        return start <= end ? now >= start && now <= end : now >= start || now <= end;
    }
}
