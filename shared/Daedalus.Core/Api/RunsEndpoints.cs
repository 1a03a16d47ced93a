using Daedalus.Application.Runs;
using Daedalus.Client;
using Daedalus.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Daedalus.Api;

/// <summary><c>/api/v1/sources/{name}/runs</c>: sync history, one run, and "pull now" (<see cref="RunService"/>).</summary>
public static class RunsEndpoints
{
    public static RouteGroupBuilder MapRunsEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGet("/runs", ListAllAsync).WithTags("Runs").WithName("ListAllRuns").WithSummary("Runs of every source, newest first, a page at a time (?limit=1..500, default 20; ?after= from the previous page's next link; ?status=queued|running|loading|succeeded|partial|failed|cancelled|skipped)")
            .AcceptsQuery([.. ApiPaging.Parameters, "status"]).ProducesProblems(400).RequireScope(ApiScope.Read);
        api.MapPost("/runs/{id}/cancel", CancelAnyAsync).WithTags("Runs").WithName("CancelRunById")
            .WithSummary("Cancel a run found by its id alone: 200 when it is cancelled at once (it was queued), 202 while its pull stops at the next batch boundary")
            .ProducesProblems(404, 409).RequireScope(ApiScope.Write);
        var group = api.MapGroup("/sources/{name}/runs").WithTags("Runs");
        group.MapGet("", ListAsync).WithName("ListRuns").WithSummary("Sync history of a source, newest first, a page at a time (?limit=1..500, default 20; ?after= from the previous page's next link; ?status= as for /runs)")
            .AcceptsQuery([.. ApiPaging.Parameters, "status"]).ProducesProblems(400, 404).RequireScope(ApiScope.Read);
        group.MapGet("/{id}", GetAsync).WithName("GetRun").WithSummary("One run of a source")
            .ProducesProblems(404).RequireScope(ApiScope.Read);
        group.MapGet("/{id}/events", ListEventsAsync).WithName("ListRunEvents").WithSummary("What happened in a run, in the order recorded, a page at a time (?limit=1..5000, default 1000; ?after= from the previous page's next link)")
            .AcceptsQuery(ApiPaging.Parameters).ProducesProblems(400, 404).RequireScope(ApiScope.Read);
        group.MapPost("", TriggerAsync).WithName("TriggerRun").WithSummary("Pull a source now: the pull request is queued and the run id returned")
            .ProducesProblems(404, 409, 503).RequireScope(ApiScope.Write);
        group.MapPost("/{id}/cancel", CancelAsync).WithName("CancelRun")
            .WithSummary("Cancel a queued or running run: 200 when it is cancelled at once (it was queued), 202 while its pull stops at the next batch boundary; 409 once its pull has ended (loading or finished)")
            .ProducesProblems(404, 409).RequireScope(ApiScope.Write);
        return group;
    }

    public static async Task<Results<Ok<ItemList<RunInfo>>, ProblemHttpResult>> ListAsync(string name, HttpRequest request, RunService runs, CancellationToken cancellationToken)
    {
        var status = RunService.ParseStatusFilter(ApiQuery.Text(request, "status"));
        if (!status.IsOk)
        {
            return ApiProblems.From(status.Error);
        }

        var result = await runs.ListAsync(name, ApiQuery.Limit(request, RunService.DefaultLimit), status.Value, ApiQuery.Text(request, "after"), cancellationToken);
        return result.IsOk ? TypedResults.Ok(ApiPaging.ListOf(request, result.Value)) : ApiProblems.From(result.Error);
    }

    public static async Task<Results<Ok<ItemList<RunInfo>>, ProblemHttpResult>> ListAllAsync(HttpRequest request, RunService runs, CancellationToken cancellationToken)
    {
        var status = RunService.ParseStatusFilter(ApiQuery.Text(request, "status"));
        if (!status.IsOk)
        {
            return ApiProblems.From(status.Error);
        }

        var result = await runs.ListAllAsync(ApiQuery.Limit(request, RunService.DefaultLimit), status.Value, ApiQuery.Text(request, "after"), cancellationToken);
        return result.IsOk ? TypedResults.Ok(ApiPaging.ListOf(request, result.Value)) : ApiProblems.From(result.Error);
    }

    /// <param name="id">The run id; anything that is not a GUID is simply not a run (404).</param>
    public static async Task<Results<Ok<RunInfo>, ProblemHttpResult>> GetAsync(string name, string id, RunService runs, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var runId))
        {
            return ApiProblems.NotFound("There is no such run.");
        }

        var result = await runs.GetAsync(name, runId, cancellationToken);
        return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result.Error);
    }

    /// <param name="id">The run id; anything that is not a GUID is simply not a run (404).</param>
    public static async Task<Results<Ok<ItemList<RunEventInfo>>, ProblemHttpResult>> ListEventsAsync(string name, string id, HttpRequest request, RunService runs, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var runId))
        {
            return ApiProblems.NotFound("There is no such run.");
        }

        var result = await runs.ListEventsAsync(name, runId, ApiQuery.Limit(request, RunService.DefaultEventLimit), ApiQuery.Text(request, "after"), cancellationToken);
        return result.IsOk ? TypedResults.Ok(ApiPaging.ListOf(request, result.Value)) : ApiProblems.From(result.Error);
    }

    public static async Task<Results<Accepted<RunAccepted>, ProblemHttpResult>> TriggerAsync(string name, ApiCaller caller, RunService runs, CancellationToken cancellationToken)
    {
        var result = await runs.TriggerAsync(name, caller.Actor, cancellationToken);
        return result.IsOk ? TypedResults.Accepted(result.Value.Location, result.Value) : ApiProblems.From(result.Error);
    }

    /// <param name="id">The run id; anything that is not a GUID is simply not a run (404).</param>
    public static Task<Results<Ok<RunInfo>, Accepted<RunInfo>, ProblemHttpResult>> CancelAsync(string name, string id, ApiCaller caller, RunService runs, CancellationToken cancellationToken) =>
        CancelRunAsync(name, id, caller, runs, cancellationToken);

    /// <param name="id">The run id; anything that is not a GUID is simply not a run (404).</param>
    public static Task<Results<Ok<RunInfo>, Accepted<RunInfo>, ProblemHttpResult>> CancelAnyAsync(string id, ApiCaller caller, RunService runs, CancellationToken cancellationToken) =>
        CancelRunAsync(null, id, caller, runs, cancellationToken);

    private static async Task<Results<Ok<RunInfo>, Accepted<RunInfo>, ProblemHttpResult>> CancelRunAsync(string? name, string id, ApiCaller caller, RunService runs, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var runId))
        {
            return ApiProblems.NotFound("There is no such run.");
        }

        var result = await runs.CancelAsync(name, runId, caller.Actor, cancellationToken);
        if (!result.IsOk)
        {
            return ApiProblems.From(result.Error);
        }

        // 200: nothing of the run is left to stop; 202: its pull stops, or its batches settle, shortly (poll the run).
        var run = result.Value;
        return run.Status == RunStatus.Cancelled ? TypedResults.Ok(run) : TypedResults.Accepted(ApiPaths.Run(run.Source, run.Id), run);
    }
}
