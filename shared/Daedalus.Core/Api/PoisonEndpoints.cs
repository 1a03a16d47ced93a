using Daedalus.Application.PoisonQueues;
using Daedalus.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Daedalus.Api;

/// <summary>
/// <c>/api/v1/batches/poison</c> and <c>/api/v1/pulls/poison</c>: what failed too often on the batch and pull queues,
/// and putting it back (<see cref="PoisonBatchService"/>, <see cref="PoisonPullService"/>).
/// </summary>
public static class PoisonEndpoints
{
    public static IEndpointRouteBuilder MapPoisonEndpoints(this IEndpointRouteBuilder api)
    {
        var batches = api.MapGroup("/batches/poison").WithTags("Poison batches");
        batches.MapGet("", ListBatchesAsync).WithName("ListPoisonBatches").WithSummary("The first batches in the poison queue (?limit=1..32, the most storage shows without taking them) and total, how many it holds")
            .AcceptsQuery("limit").ProducesProblems(400, 503).RequireScope(ApiScope.Read);
        batches.MapPost("/replay", ReplayBatchesAsync).WithName("ReplayPoisonBatches").WithSummary("Move poison batches back to the queue (one, or all)")
            .Accepts<PoisonReplayRequest>("application/json")
            .ProducesProblems(400, 404, 413, 415, 503).RequireScope(ApiScope.Write);

        var pulls = api.MapGroup("/pulls/poison").WithTags("Poison pulls");
        pulls.MapGet("", ListPullsAsync).WithName("ListPoisonPulls").WithSummary("The first pull requests in the pull poison queue (?limit=1..32) and total, how many it holds (their runs are failed until replayed)")
            .AcceptsQuery("limit").ProducesProblems(400, 503).RequireScope(ApiScope.Read);
        pulls.MapPost("/replay", ReplayPullsAsync).WithName("ReplayPoisonPulls").WithSummary("Move poisoned pull requests back to the pull queue (one, or all); each resumes its run")
            .Accepts<PoisonReplayRequest>("application/json")
            .ProducesProblems(400, 404, 413, 415, 503).RequireScope(ApiScope.Write);
        return api;
    }

    public static async Task<Results<Ok<ItemList<PoisonBatch>>, ProblemHttpResult>> ListBatchesAsync(HttpRequest request, PoisonBatchService poison, CancellationToken cancellationToken)
    {
        var result = await poison.ListAsync(ApiQuery.Limit(request, PoisonBatchService.MaxLimit), cancellationToken);
        return result.IsOk ? TypedResults.Ok(new ItemList<PoisonBatch>(result.Value.Items) { Total = result.Value.Total }) : ApiProblems.From(result.Error);
    }

    /// <summary>Body <c>{"messageId": "..."}</c> replays one message; no body replays all.</summary>
    public static async Task<Results<Ok<PoisonReplayResult>, ProblemHttpResult>> ReplayBatchesAsync(
        JsonBody<PoisonReplayRequest> body, ApiCaller caller, PoisonBatchService poison, CancellationToken cancellationToken)
    {
        if (body.Problem is { } unreadable)
        {
            return unreadable;
        }

        var result = await poison.ReplayAsync(body.Value?.MessageId, caller.Actor, cancellationToken);
        return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result.Error);
    }

    public static async Task<Results<Ok<ItemList<PoisonPull>>, ProblemHttpResult>> ListPullsAsync(HttpRequest request, PoisonPullService poison, CancellationToken cancellationToken)
    {
        var result = await poison.ListAsync(ApiQuery.Limit(request, PoisonPullService.MaxLimit), cancellationToken);
        return result.IsOk ? TypedResults.Ok(new ItemList<PoisonPull>(result.Value.Items) { Total = result.Value.Total }) : ApiProblems.From(result.Error);
    }

    /// <summary>Body <c>{"messageId": "..."}</c> replays one pull request; no body replays all.</summary>
    public static async Task<Results<Ok<PoisonReplayResult>, ProblemHttpResult>> ReplayPullsAsync(
        JsonBody<PoisonReplayRequest> body, ApiCaller caller, PoisonPullService poison, CancellationToken cancellationToken)
    {
        if (body.Problem is { } unreadable)
        {
            return unreadable;
        }

        var result = await poison.ReplayAsync(body.Value?.MessageId, caller.Actor, cancellationToken);
        return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result.Error);
    }
}
