namespace Daedalus.Alerting;

/// <summary>What a notification is about: the names a channel's <c>events</c> list filters on.</summary>
public static class NotificationKinds
{
    /// <summary>A run finished failed.</summary>
    public const string RunFailed = "run_failed";

    /// <summary>A run finished partial (a stream stopped early, e.g. rate limited).</summary>
    public const string RunPartial = "run_partial";

    /// <summary>A batch message was moved to the poison queue.</summary>
    public const string BatchPoisoned = "batch_poisoned";

    /// <summary>A source is past its freshness objective (a whole scheduled interval overdue).</summary>
    public const string SourceStale = "source_stale";

    /// <summary>The first succeeded run after a failed or partial one, or after the source went stale.</summary>
    public const string Recovered = "recovered";

    /// <summary>A succeeded run departed from its streams' usual row count, change rate, quarantine rate or duration.</summary>
    public const string Anomaly = "anomaly";

    /// <summary>A source reached its retirement time: the scheduler no longer pulls it.</summary>
    public const string SourceRetired = "source_retired";

    public static readonly IReadOnlyList<string> All = [RunFailed, RunPartial, BatchPoisoned, SourceStale, Recovered, Anomaly, SourceRetired];
}
