using System.Net;
using Daedalus.Api;
using Daedalus.Application;
using Daedalus.Application.Catalog;
using Daedalus.Application.Notifications;
using Daedalus.Application.PoisonQueues;
using Daedalus.Application.Runs;
using Daedalus.Application.SourceProbes;
using Daedalus.Application.Sources;
using Daedalus.Application.Status;
using Daedalus.Application.Streams;
using Daedalus.Client;
using Daedalus.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Cli;

/// <summary>
/// The CLI's local mode: the management operations as calls into the application services of this process, over the
/// local database (no HTTP server). Refusals become the <see cref="DaedalusApiException"/> the HTTP API would have
/// caused, so commands handle both modes alike.
/// </summary>
public sealed class LocalApi : IDaedalusApi
{
    /// <summary>What the audit log records as the actor of local changes.</summary>
    public const string Actor = "cli";

    private readonly IServiceProvider _services;

    public LocalApi(IServiceProvider services)
    {
        _services = services;
    }

    public Task<IReadOnlyList<SourceSpec>> ListSourcesAsync(CancellationToken cancellationToken = default) =>
        Get<SourceService>().ListAsync(cancellationToken);

    public async Task<SourceSpec> GetSourceAsync(string name, CancellationToken cancellationToken = default) =>
        Unwrap(await Get<SourceService>().GetAsync(name, cancellationToken)).Spec;

    public async Task<(SourceSpec Source, bool Created)> ReplaceSourceAsync(string name, SourceSpec source, CancellationToken cancellationToken = default)
    {
        var replaced = Unwrap(await Get<SourceService>().ReplaceAsync(name, source, SourcePrecondition.None, Actor, cancellationToken));
        return (replaced.Spec, replaced.Created);
    }

    public async Task<SourceSpec> PatchSourceAsync(string name, SourcePatch patch, CancellationToken cancellationToken = default) =>
        Unwrap(await Get<SourceService>().PatchAsync(name, patch, SourcePrecondition.None, Actor, cancellationToken)).Spec;

    public async Task DeleteSourceAsync(string name, CancellationToken cancellationToken = default) =>
        Unwrap(await Get<SourceService>().DeleteAsync(name, SourcePrecondition.None, Actor, cancellationToken));

    public Task<NotificationSettings> GetNotificationsAsync(CancellationToken cancellationToken = default) =>
        Get<NotificationService>().GetAsync(cancellationToken);

    public async Task<NotificationSettings> ReplaceNotificationsAsync(NotificationSettings settings, CancellationToken cancellationToken = default) =>
        Unwrap(await Get<NotificationService>().ReplaceAsync(settings, Actor, cancellationToken));

    public async Task<SourceCheckReport> CheckSourceAsync(string name, CancellationToken cancellationToken = default) =>
        Unwrap(await Get<SourceProbeService>().CheckAsync(name, cancellationToken));

    public async Task<SourceDiscoveryReport> DiscoverSourceAsync(string name, CancellationToken cancellationToken = default) =>
        Unwrap(await Get<SourceProbeService>().DiscoverAsync(name, cancellationToken));

    public Task<IReadOnlyList<RunInfo>> ListRunsAsync(string source, int limit = 20, RunStatus? status = null, CancellationToken cancellationToken = default) =>
        FollowPagesAsync(limit, RunService.MaxLimit, (size, after) => Get<RunService>().ListAsync(source, size, status, after, cancellationToken));

    public Task<IReadOnlyList<RunInfo>> ListAllRunsAsync(int limit = 20, RunStatus? status = null, CancellationToken cancellationToken = default) =>
        FollowPagesAsync(limit, RunService.MaxLimit, (size, after) => Get<RunService>().ListAllAsync(size, status, after, cancellationToken));

    public async Task<RunInfo> CancelRunAsync(Guid id, CancellationToken cancellationToken = default) =>
        Unwrap(await Get<RunService>().CancelAsync(null, id, Actor, cancellationToken));

    public async Task<RunInfo> GetRunAsync(string source, Guid id, CancellationToken cancellationToken = default) =>
        Unwrap(await Get<RunService>().GetAsync(source, id, cancellationToken));

    public Task<IReadOnlyList<RunEventInfo>> ListRunEventsAsync(string source, Guid id, int limit = int.MaxValue, CancellationToken cancellationToken = default) =>
        FollowPagesAsync(limit, RunService.MaxEventLimit, (size, after) => Get<RunService>().ListEventsAsync(source, id, size, after, cancellationToken));

    public async Task<RunAccepted> TriggerRunAsync(string source, CancellationToken cancellationToken = default) =>
        Unwrap(await Get<RunService>().TriggerAsync(source, Actor, cancellationToken));

    public async Task<CursorReset> ResetStreamAsync(string source, string stream, CancellationToken cancellationToken = default) =>
        Unwrap(await Get<StreamService>().ResetAsync(source, stream, Actor, cancellationToken));

    public Task<StatusReport> GetStatusAsync(CancellationToken cancellationToken = default) =>
        Get<StatusService>().GetAsync(cancellationToken);

    public async Task<IReadOnlyList<PoisonBatch>> ListPoisonAsync(int limit = 32, CancellationToken cancellationToken = default) =>
        (await ListPoisonWithTotalAsync(limit, cancellationToken)).Items;

    public async Task<ItemList<PoisonBatch>> ListPoisonWithTotalAsync(int limit = 32, CancellationToken cancellationToken = default)
    {
        var listing = Unwrap(await Get<PoisonBatchService>().ListAsync(limit, cancellationToken));
        return new ItemList<PoisonBatch>(listing.Items) { Total = listing.Total };
    }

    public async Task<PoisonReplayResult> ReplayPoisonAsync(string? messageId = null, CancellationToken cancellationToken = default) =>
        Unwrap(await Get<PoisonBatchService>().ReplayAsync(messageId, Actor, cancellationToken));

    public async Task<IReadOnlyList<PoisonPull>> ListPoisonPullsAsync(int limit = 32, CancellationToken cancellationToken = default) =>
        Unwrap(await Get<PoisonPullService>().ListAsync(limit, cancellationToken)).Items;

    public async Task<PoisonReplayResult> ReplayPoisonPullsAsync(string? messageId = null, CancellationToken cancellationToken = default) =>
        Unwrap(await Get<PoisonPullService>().ReplayAsync(messageId, Actor, cancellationToken));

    public Task<IReadOnlyList<CatalogTable>> ListCatalogAsync(CancellationToken cancellationToken = default) =>
        Get<CatalogService>().ListAsync(cancellationToken);

    public async Task<CatalogTable> GetCatalogTableAsync(string schema, string table, CancellationToken cancellationToken = default) =>
        Unwrap(await Get<CatalogService>().GetAsync(schema, table, cancellationToken));

    /// <summary>Up to <paramref name="limit"/> items of a paged service list, page after page, as the HTTP client follows next links.</summary>
    private static async Task<IReadOnlyList<T>> FollowPagesAsync<T>(int limit, int maxPage, Func<int, string?, Task<ServiceResult<Page<T>>>> list)
    {
        // The first page is always asked for, so a limit the service refuses is its error, not an empty list.
        var page = Unwrap(await list(Math.Min(limit, maxPage), null));
        var items = new List<T>(page.Items);
        while (page.After is not null && items.Count < limit)
        {
            page = Unwrap(await list(Math.Min(limit, maxPage), page.After));
            items.AddRange(page.Items);
        }

        return items.Count > limit ? items.GetRange(0, limit) : items;
    }

    /// <summary>The value, or the refusal as the exception an HTTP call would raise.</summary>
    public static T Unwrap<T>(ServiceResult<T> result)
    {
        if (result.IsOk)
        {
            return result.Value;
        }

        var error = result.Error;
        var status = ApiProblems.StatusOf(error.Kind);
        throw new DaedalusApiException((HttpStatusCode)status, new ApiProblem
        {
            Status = status,
            Title = error.Title,
            Detail = error.Detail,
            Errors = error.Errors?.ToDictionary(),
        });
    }

    private T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();
}
