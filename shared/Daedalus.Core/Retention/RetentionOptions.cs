namespace Daedalus.Retention;

/// <summary>
/// How long bookkeeping is kept (<c>Daedalus:Retention</c>); validated on start. Ages are measured from when a row
/// stopped changing: a run from its finish, a ledger row from its load, a quarantined row and a metric point from their
/// timestamps. Open work is never pruned (runs not finished, batches still queued). See docs/operations.md for why the
/// ledger may be pruned at all without breaking exactly-once.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>The shortest <see cref="Ledger"/> accepted: longer than any redelivery of a live message takes (visibility timeouts and retries run in minutes).</summary>
    public static readonly TimeSpan MinimumLedger = TimeSpan.FromDays(2);

    /// <summary>Off switch for the maintenance step (both hosts). Default on.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Finished runs, with their streams, events, anomaly history and sends. Default 90 days.</summary>
    public TimeSpan Runs { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// The batch ledger (<c>daedalus.batches</c>) and settled sends. Default 30 days. A batch created longer ago than
    /// this (less a day for clock skew) is refused at ingest, into the poison queue with the reason, because its ledger
    /// row may have been pruned: that is what keeps a very late redelivery or replay from loading twice.
    /// </summary>
    public TimeSpan Ledger { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Quarantined rows. Default 90 days.</summary>
    public TimeSpan Quarantine { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// Points of Daedalus's own series (names starting <c>daedalus_</c>: queue depth, source lag), by point time. These
    /// grow with every tick. Default 400 days, so a year compares with the last.
    /// </summary>
    public TimeSpan MetricPoints { get; set; } = TimeSpan.FromDays(400);

    /// <summary>
    /// Points of the business series the metric rules derive from source rows, by point time. Omitted (the default):
    /// kept, like the target tables they summarise. They grow with the time span of the source's data, not with the
    /// schedule (a re-pull updates the same points), and their timestamps are the data's: a backfill of old invoices
    /// would otherwise be pruned right after it loads.
    /// </summary>
    public TimeSpan? SourceMetricPoints { get; set; }

    /// <summary>How often the maintenance step prunes. Default hourly.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rows per DELETE statement: each statement is its own short transaction. Default 5000.</summary>
    public int BatchSize { get; set; } = 5000;

    /// <summary>DELETE statements per table per maintenance step, so a backlog drains over several ticks without stalling one. Default 20.</summary>
    public int MaxBatchesPerStep { get; set; } = 20;

    /// <summary>The reasons the options are unusable (empty when valid).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var (name, value) in new[] { (nameof(Runs), Runs), (nameof(Quarantine), Quarantine), (nameof(MetricPoints), MetricPoints), (nameof(Interval), Interval) })
        {
            if (value <= TimeSpan.Zero)
            {
                problems.Add($"Daedalus:Retention:{name} must be positive (a d.hh:mm:ss time span, e.g. 90.00:00:00)");
            }
        }

        if (SourceMetricPoints is { } sourcePoints && sourcePoints <= TimeSpan.Zero)
        {
            problems.Add($"Daedalus:Retention:{nameof(SourceMetricPoints)} must be positive when set (a d.hh:mm:ss time span), or omitted to keep them");
        }

        if (Ledger < MinimumLedger)
        {
            problems.Add($"Daedalus:Retention:Ledger must be at least {MinimumLedger.TotalDays:0} days: a shorter ledger could forget a batch a redelivery still brings back");
        }

        if (BatchSize is < 1 or > 100_000)
        {
            problems.Add("Daedalus:Retention:BatchSize must be between 1 and 100000");
        }

        if (MaxBatchesPerStep < 1)
        {
            problems.Add("Daedalus:Retention:MaxBatchesPerStep must be at least 1");
        }

        return problems;
    }
}
