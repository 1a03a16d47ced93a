namespace Daedalus.Tests.Sources.Snowflake;

/// <summary>The system clock moved forward by an adjustable amount (timers stay real).</summary>
public sealed class ShiftedClock : TimeProvider
{
    public TimeSpan Shift { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Shift;
}
