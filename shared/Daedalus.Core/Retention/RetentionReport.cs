namespace Daedalus.Retention;

/// <summary>Rows one maintenance step deleted, per kind. <see cref="More"/> is true when a table still had rows past its age (the next step goes on).</summary>
public sealed record RetentionReport(long Runs, long RunEvents, long Ledger, long Sends, long Quarantine, long MetricPoints, bool More)
{
    public long Total => Runs + RunEvents + Ledger + Sends + Quarantine + MetricPoints;
}
