namespace Daedalus.Hosting;

/// <summary>
/// The non-HTTP triggers both hosts run, by function name. The Functions app declares them as attributes
/// (literals, as the Functions SDK requires); the self-host runs them from here; a test checks they agree.
/// HTTP routes are compared from the self-host's mapped endpoints.
/// </summary>
public static class HostTriggers
{
    /// <summary>Timer function running <see cref="Scheduling.Scheduler.TickAsync"/>.</summary>
    public const string SchedulerFunction = "scheduler";

    /// <summary>
    /// The scheduler tick in Azure. The self-host checks schedules every second (sources may use seconds) and
    /// records the queue depth gauges on this schedule.
    /// </summary>
    public const string SchedulerSchedule = "0 */1 * * * *";

    /// <summary>Timer function running <see cref="Alerting.NotificationDispatcher.TickAsync"/> (freshness, then delivery).</summary>
    public const string NotificationsFunction = "notifications";

    /// <summary>
    /// The notification tick in Azure (every 30 seconds); the self-host ticks every
    /// <c>Daedalus:Notifications:DispatchIntervalSeconds</c>.
    /// </summary>
    public const string NotificationsSchedule = "*/30 * * * * *";

    /// <summary>Queue function running <see cref="Queues.BatchMessageHandler.HandleAsync"/>.</summary>
    public const string IngestFunction = "ingest";

    /// <summary>Queue function running <see cref="Queues.PullMessageHandler.HandleAsync"/> on the pull queue.</summary>
    public const string PullFunction = "pull";

    /// <summary>The setting both hosts read the storage connection from.</summary>
    public const string StorageConnection = "AzureWebJobsStorage";

    public static IReadOnlyList<HostTrigger> NonHttp(string queueName, string pullQueueName) =>
    [
        new(SchedulerFunction, "timer", SchedulerSchedule),
        new(IngestFunction, "queue", queueName),
        new(NotificationsFunction, "timer", NotificationsSchedule),
        new(PullFunction, "queue", pullQueueName),
    ];
}
