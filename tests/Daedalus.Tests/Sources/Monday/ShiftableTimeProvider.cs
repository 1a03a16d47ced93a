namespace Daedalus.Tests.Sources.Monday;

/// <summary>The system clock moved forward by a settable amount (e.g. past monday's 60-minute cursor lifetime).</summary>
public sealed class ShiftableTimeProvider : TimeProvider
{
    public TimeSpan Shift { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Shift;
}
