using Daedalus.Client;
using Daedalus.Queues;
using Daedalus.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Api;

/// <summary><c>/api/v1/batches/poison</c>: what failed too often, and putting it back on the queue.</summary>
public static class PoisonBatchesHandlers
{
    public const int MaxLimit = 32;

    public static async Task<IResult> List(HttpContext context, CancellationToken cancellationToken)
    {
        var (limit, problem) = ApiQuery.Limit(context.Request, MaxLimit, MaxLimit);
        if (problem is not null)
        {
            return problem;
        }

        if (context.RequestServices.GetService<IBatchQueue>() is not { } queue)
        {
            return NoQueue();
        }

        var messages = await queue.ListPoisonAsync(limit, cancellationToken);
        return Results.Json(
            new ItemList<PoisonBatch>(messages.Select(m => new PoisonBatch(m.MessageId, m.BatchId, m.Source, m.Stream, m.Error, m.InsertedAt, m.DequeueCount)).ToList()),
            DaedalusJson.Options);
    }

    /// <summary>Replays one message (body <c>{"messageId": "..."}</c>) or, with no body, every poison message.</summary>
    public static async Task<IResult> Replay(HttpContext context, CancellationToken cancellationToken)
    {
        var (request, problem) = await ApiRequestBody.ReadAsync<PoisonReplayRequest>(context, cancellationToken, optional: true);
        if (problem is not null)
        {
            return problem;
        }

        if (context.RequestServices.GetService<IBatchQueue>() is not { } queue)
        {
            return NoQueue();
        }

        var messageId = request?.MessageId;
        var replayed = await queue.ReplayPoisonAsync(messageId, cancellationToken);
        if (messageId is not null && replayed == 0)
        {
            return ApiProblems.NotFound("There is no poison message with that id.");
        }

        await context.RequestServices.GetRequiredService<AuditLog>().WriteAsync(
            ApiAuthorization.Actor(context), "poison.replay", messageId ?? "*", new { replayed }, cancellationToken);
        return Results.Json(new PoisonReplayResult(replayed), DaedalusJson.Options);
    }

    private static IResult NoQueue() => ApiProblems.Unavailable(
        "No batch queue",
        "This host loads batches in-process and has no queue, so there is no poison queue either.");
}
