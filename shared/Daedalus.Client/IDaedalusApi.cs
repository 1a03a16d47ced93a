using Daedalus.Runs;

namespace Daedalus.Client;

/// <summary>
/// The management operations of Daedalus, as the CLI uses them: <see cref="DaedalusClient"/> over HTTP, or the server's
/// application services in-process (the CLI's local mode). Errors are <see cref="DaedalusApiException"/> with the
/// problem+json the HTTP API would answer.
/// </summary>
public interface IDaedalusApi
{
    Task<IReadOnlyList<SourceSpec>> ListSourcesAsync(CancellationToken cancellationToken = default);

    Task<SourceSpec> GetSourceAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces the source; <c>Created</c> tells which.</summary>
    Task<(SourceSpec Source, bool Created)> ReplaceSourceAsync(string name, SourceSpec source, CancellationToken cancellationToken = default);

    Task<SourceSpec> PatchSourceAsync(string name, SourcePatch patch, CancellationToken cancellationToken = default);

    Task DeleteSourceAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Reaches each stream of the source with its credentials, loading nothing; 422 when its plugin cannot check.</summary>
    Task<SourceCheckReport> CheckSourceAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The streams and columns the source offers now; 422 when its plugin cannot discover.</summary>
    Task<SourceDiscoveryReport> DiscoverSourceAsync(string name, CancellationToken cancellationToken = default);

    Task<NotificationSettings> GetNotificationsAsync(CancellationToken cancellationToken = default);

    Task<NotificationSettings> ReplaceNotificationsAsync(NotificationSettings settings, CancellationToken cancellationToken = default);

    /// <summary>The newest <paramref name="limit"/> runs of <paramref name="source"/>, newest first (across pages); only those with <paramref name="status"/> when given.</summary>
    Task<IReadOnlyList<RunInfo>> ListRunsAsync(string source, int limit = 20, RunStatus? status = null, CancellationToken cancellationToken = default);

    /// <summary>The newest <paramref name="limit"/> runs of every source, newest first (across pages); only those with <paramref name="status"/> when given.</summary>
    Task<IReadOnlyList<RunInfo>> ListAllRunsAsync(int limit = 20, RunStatus? status = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels run <paramref name="id"/> (whatever its source): the run as it is now, <c>cancelled</c> when it was queued,
    /// still <c>running</c> (with <c>cancelRequestedAt</c>) while its pull stops at the next batch boundary. 404 for an
    /// unknown run, 409 once its pull has ended.
    /// </summary>
    Task<RunInfo> CancelRunAsync(Guid id, CancellationToken cancellationToken = default);

    Task<RunInfo> GetRunAsync(string source, Guid id, CancellationToken cancellationToken = default);

    /// <summary>The run's events in the order they were recorded, across pages: all of them, or the first <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<RunEventInfo>> ListRunEventsAsync(string source, Guid id, int limit = int.MaxValue, CancellationToken cancellationToken = default);

    Task<RunAccepted> TriggerRunAsync(string source, CancellationToken cancellationToken = default);

    Task<CursorReset> ResetStreamAsync(string source, string stream, CancellationToken cancellationToken = default);

    /// <summary>The status report, also when it says unhealthy.</summary>
    Task<StatusReport> GetStatusAsync(CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PoisonBatch>> ListPoisonAsync(int limit = 32, CancellationToken cancellationToken = default);

    /// <summary>
    /// The first poison batches (at most <paramref name="limit"/>, up to 32: the queue shows no more without taking them)
    /// with <see cref="ItemList{T}.Total"/>, how many the poison queue holds (approximate).
    /// </summary>
    Task<ItemList<PoisonBatch>> ListPoisonWithTotalAsync(int limit = 32, CancellationToken cancellationToken = default);

    Task<PoisonReplayResult> ReplayPoisonAsync(string? messageId = null, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PoisonPull>> ListPoisonPullsAsync(int limit = 32, CancellationToken cancellationToken = default);

    Task<PoisonReplayResult> ReplayPoisonPullsAsync(string? messageId = null, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<CatalogTable>> ListCatalogAsync(CancellationToken cancellationToken = default);

    Task<CatalogTable> GetCatalogTableAsync(string schema, string table, CancellationToken cancellationToken = default);
}
