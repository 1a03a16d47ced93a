namespace Daedalus.Anomalies;

/// <summary>
/// How a run metric is judged. Values are compared as <c>ln(value + Offset)</c>, so a tenth of the usual rows is
/// as far from the usual as ten times as many, and the offset keeps zero (no quarantined rows) finite and makes
/// tiny absolute changes near zero unremarkable. <see cref="UpOnly"/>: only a rise is an anomaly (a faster run
/// or fewer quarantined rows is not news).
/// </summary>
public sealed record MetricProfile(string Name, double Offset, bool UpOnly)
{
    /// <summary>Rows read by the stream in the run.</summary>
    public static readonly MetricProfile Rows = new("rows", 1, UpOnly: false);

    /// <summary>Rows read / rows in the target table (0..1 for incremental streams; about 1 for full ones).</summary>
    public static readonly MetricProfile ChangeRate = new("change_rate", 0.001, UpOnly: false);

    /// <summary>Quarantined rows / rows read. Half a percent offset: 0 → 0.2% is noise, 0 → 5% is not.</summary>
    public static readonly MetricProfile QuarantineRate = new("quarantine_rate", 0.005, UpOnly: true);

    /// <summary>Wall-clock seconds the stream took in the run.</summary>
    public static readonly MetricProfile DurationSeconds = new("duration_seconds", 0.5, UpOnly: true);

    public static readonly IReadOnlyList<MetricProfile> All = [Rows, ChangeRate, QuarantineRate, DurationSeconds];

    public double Transform(double value) => Math.Log(Math.Max(0, value) + Offset);

    public double Inverse(double transformed) => Math.Max(0, Math.Exp(transformed) - Offset);
}
