using Daedalus.Client;
using Daedalus.Queues;
using Daedalus.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Api;

/// <summary><c>/api/v1/pulls/poison</c>: pull requests that failed too often, and putting them back on the pull queue.</summary>
public static class PoisonPullsHandlers
{
    public const int MaxLimit = 32;

    public static async Task<IResult> List(HttpContext context, CancellationToken cancellationToken)
    {
        var (limit, problem) = ApiQuery.Limit(context.Request, MaxLimit, MaxLimit);
        if (problem is not null)
        {
            return problem;
        }

        if (context.RequestServices.GetService<IBatchQueue>() is null)
        {
            return NoQueue();
        }

        var messages = await context.RequestServices.GetRequiredService<AzurePullQueue>().ListPoisonAsync(limit, cancellationToken);
        return Results.Json(
            new ItemList<PoisonPull>(messages.Select(m => new PoisonPull(m.MessageId, m.RunId, m.Source, m.Error, m.InsertedAt, m.DequeueCount)).ToList()),
            DaedalusJson.Options);
    }

    /// <summary>Replays one pull request (body <c>{"messageId": "..."}</c>) or, with no body, every poisoned one.</summary>
    public static async Task<IResult> Replay(HttpContext context, CancellationToken cancellationToken)
    {
        var (request, problem) = await ApiRequestBody.ReadAsync<PoisonReplayRequest>(context, cancellationToken, optional: true);
        if (problem is not null)
        {
            return problem;
        }

        if (context.RequestServices.GetService<IBatchQueue>() is null)
        {
            return NoQueue();
        }

        var messageId = request?.MessageId;
        var replayed = await context.RequestServices.GetRequiredService<AzurePullQueue>().ReplayPoisonAsync(messageId, cancellationToken);
        if (messageId is not null && replayed == 0)
        {
            return ApiProblems.NotFound("There is no poisoned pull request with that id.");
        }

        await context.RequestServices.GetRequiredService<AuditLog>().WriteAsync(
            ApiAuthorization.Actor(context), "pulls.poison.replay", messageId ?? "*", new { replayed }, cancellationToken);
        return Results.Json(new PoisonReplayResult(replayed), DaedalusJson.Options);
    }

    private static IResult NoQueue() => ApiProblems.Unavailable(
        "No pull queue",
        "This host has no storage configured, so API-triggered pulls run in-process and there is no pull poison queue.");
}
