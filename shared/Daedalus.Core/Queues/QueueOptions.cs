using System.ComponentModel.DataAnnotations;

namespace Daedalus.Queues;

/// <summary>Bound from <c>Daedalus:Queue</c>. The defaults match host.json, so both hosts behave alike.</summary>
public sealed class QueueOptions
{
    public const string DefaultName = "daedalus-batches";

    /// <summary>The control queue of pull requests (<see cref="PullRequest"/>); its poison queue is this name + <c>-poison</c>.</summary>
    public const string DefaultPullName = "daedalus-pulls";

    /// <summary>The batch queue; the poison queue is this name + <c>-poison</c>, the claim-check container this name.</summary>
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,54}[a-z0-9]$", ErrorMessage = "Daedalus:Queue:Name must be a valid storage queue name (3-56 lowercase letters, digits, single hyphens)")]
    public string Name { get; set; } = DefaultName;

    /// <summary>The pull queue: the scheduler and the API enqueue pull requests here; the <c>pull</c> function and the self-host's pull worker run them.</summary>
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,54}[a-z0-9]$", ErrorMessage = "Daedalus:Queue:PullName must be a valid storage queue name (3-56 lowercase letters, digits, single hyphens)")]
    public string PullName { get; set; } = DefaultPullName;

    /// <summary>Where <c>daedalus serve</c> keeps the embedded Azurite it starts when no storage is configured.</summary>
    public string EmbeddedDirectory { get; set; } = ".daedalus/azurite";

    /// <summary>Pulls run at the same time by one self-host instance (each source is pulled by one process at a time anyway).</summary>
    [Range(1, 64)]
    public int PullConcurrency { get; set; } = 4;

    /// <summary>Which configuration entry holds the storage connection (a connection string, or <c>__accountName</c> / <c>__queueServiceUri</c> for managed identity).</summary>
    [Required]
    public string Connection { get; set; } = "AzureWebJobsStorage";

    /// <summary>Failed deliveries before a message moves to the poison queue (host.json <c>maxDequeueCount</c>).</summary>
    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>Envelopes above this size travel as a blob and the message carries the reference. Queue messages are limited to 64 KB after base64.</summary>
    [Range(1024, 48 * 1024)]
    public int ClaimCheckThresholdBytes { get; set; } = 48 * 1024;

    /// <summary>How long a received message stays invisible; the self-host renews it at half this while it works.</summary>
    [Range(typeof(TimeSpan), "00:00:02", "01:00:00")]
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a failed message waits before its next delivery (host.json <c>visibilityTimeout</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A batch recorded as queued this long ago, while the queue holds no message at all, was lost by storage: it is
    /// marked lost and its stream re-pulled from the batch's cursor_from.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan LostAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Longest wait before an infrastructure failure (PostgreSQL or storage down) is retried. Such retries do not
    /// count toward <see cref="MaxDequeueCount"/>: the message is sent again with a delay doubling from 2 s up to this.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MaxInfrastructureRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Messages fetched per receive (host.json <c>batchSize</c>; the storage limit is 32).</summary>
    [Range(1, 32)]
    public int BatchSize { get; set; } = 16;

    /// <summary>
    /// Batches loaded at the same time by one self-host worker; by default one per processor core (2 to 64). Each holds a
    /// decoded batch in memory. More than the cores buys no throughput (measured on 2 cores, 1M rows: 4 at once gave the
    /// same rows/s as 2, at 315 MB peak instead of 291-300 MB).
    /// </summary>
    [Range(1, 64)]
    public int Concurrency { get; set; } = Math.Clamp(Environment.ProcessorCount, 2, 64);

    /// <summary>Longest wait between polls of an empty queue (host.json <c>maxPollingInterval</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(2);

    public string PoisonName => PoisonNameOf(Name);

    public string PullPoisonName => PoisonNameOf(PullName);

    public string ClaimCheckContainer => Name;

    public static string PoisonNameOf(string queueName) => queueName + "-poison";
}
