using Daedalus.Anomalies;
using Daedalus.Client;
using Daedalus.Pipeline;
using Daedalus.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Daedalus.Api;

/// <summary><c>/api/v1/sources/{name}/runs</c>: sync history, one run, and "pull now".</summary>
public static class RunsHandlers
{
    public const int MaxLimit = 500;

    public static async Task<IResult> List(HttpContext context, string name, CancellationToken cancellationToken)
    {
        var (limit, problem) = ApiQuery.Limit(context.Request, 20, MaxLimit);
        if (problem is not null)
        {
            return problem;
        }

        var runs = await context.RequestServices.GetRequiredService<RunStore>().ListAsync(name, limit, cancellationToken);
        // A deleted source's history stays readable: 404 only for a name that is neither configured nor has runs.
        if (runs.Count == 0 && await context.RequestServices.GetRequiredService<SourceCatalog>().GetAsync(name, cancellationToken) is null)
        {
            return SourcesHandlers.NotFound(name);
        }

        var anomalies = (await context.RequestServices.GetRequiredService<RunAnomalyStore>().ForRunsAsync(runs.Select(r => r.Id).ToList(), cancellationToken)).ToLookup(a => a.RunId);
        return Results.Json(new ItemList<RunInfo>(runs.Select(r => ToInfo(r, anomalies[r.Id].ToList())).ToList()), DaedalusJson.Options);
    }

    public static async Task<IResult> Get(HttpContext context, string name, string id, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var runId))
        {
            return ApiProblems.NotFound("There is no such run.");
        }

        var run = await context.RequestServices.GetRequiredService<RunStore>().GetAsync(runId, cancellationToken);
        if (run is null || run.Source != name)
        {
            return ApiProblems.NotFound("There is no such run.");
        }

        var anomalies = await context.RequestServices.GetRequiredService<RunAnomalyStore>().ForRunsAsync([run.Id], cancellationToken);
        return Results.Json(ToInfo(run, anomalies), DaedalusJson.Options);
    }

    /// <summary>
    /// Starts a pull now: 202 with the run id (its pull request is on the pull queue, or, in a host without storage, it
    /// pulls in the background), 409 when a pull of the source is queued or under way, 503 when the request cannot be queued.
    /// </summary>
    public static async Task<IResult> Trigger(HttpContext context, string name, CancellationToken cancellationToken)
    {
        var source = await context.RequestServices.GetRequiredService<SourceCatalog>().GetAsync(name, cancellationToken);
        if (source is null)
        {
            return SourcesHandlers.NotFound(name);
        }

        var runs = context.RequestServices.GetRequiredService<RunStore>();
        await using (var probe = await PullLock.TryAcquireAsync(context.RequestServices.GetRequiredService<NpgsqlDataSource>(), name, cancellationToken))
        {
            if (probe is null || await runs.OpenPullAsync(name, loading: false, cancellationToken) is not null)
            {
                return ApiProblems.Conflict($"A pull of '{name}' is queued or under way; see {ApiPaths.Runs(name)}.");
            }
        }

        Guid id;
        try
        {
            id = await context.RequestServices.GetRequiredService<RunLauncher>().LaunchAsync(source, ApiAuthorization.Actor(context), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && Queues.BatchMessageHandler.IsInfrastructure(ex))
        {
            return ApiProblems.Unavailable("Pull queue unavailable", "The pull request could not be queued (storage did not answer); the run is recorded as failed. Try again.");
        }

        var location = ApiPaths.Run(name, id);
        context.Response.Headers.Location = location;
        return Results.Json(new RunAccepted(id, name, location), DaedalusJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    internal static RunInfo ToInfo(RunRecord run, IReadOnlyList<RunAnomaly> anomalies)
    {
        var started = new DateTimeOffset(DateTime.SpecifyKind(run.StartedAt, DateTimeKind.Utc));
        DateTimeOffset? finished = run.FinishedAt is { } f ? new DateTimeOffset(DateTime.SpecifyKind(f, DateTimeKind.Utc)) : null;
        return new RunInfo(
            run.Id, run.Source, run.Trigger, run.Status, started, finished, run.RowsRead, run.RowsLoaded, run.RowsQuarantined, run.RowsDeleted, run.Batches,
            finished is { } end ? Math.Round((end - started).TotalSeconds, 3) : null,
            run.Error,
            anomalies,
            run.BatchesPoisoned,
            run.BatchesLost,
            run.RowsNotLoaded);
    }
}
