using Daedalus.Client;
using Daedalus.Queues;
using Daedalus.Storage;

namespace Daedalus.Application.PoisonQueues;

/// <summary>Pull requests that failed too often (the pull poison queue; their runs are failed until replayed), and replaying them.</summary>
public sealed class PoisonPullService
{
    public const int MaxLimit = 32;

    private readonly AuditLog _audit;
    private readonly AzurePullQueue? _pulls;

    /// <param name="pulls">Null in a host without storage, where API-triggered pulls run in-process.</param>
    public PoisonPullService(AuditLog audit, AzurePullQueue? pulls)
    {
        _audit = audit;
        _pulls = pulls;
    }

    /// <summary>The first <paramref name="limit"/> poisoned pull requests and how many there are in all.</summary>
    public async Task<ServiceResult<PoisonListing<PoisonPull>>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return ServiceError.BadInput("limit", $"must be a whole number from 1 to {MaxLimit}");
        }

        if (_pulls is null)
        {
            return NoQueue();
        }

        var messages = await _pulls.ListPoisonAsync(limit, cancellationToken);
        var depth = await _pulls.GetDepthAsync(cancellationToken);
        return new PoisonListing<PoisonPull>(
            messages.Select(m => new PoisonPull(m.MessageId, m.RunId, m.Source, m.Error, m.InsertedAt, m.DequeueCount)).ToList(),
            Math.Max(depth.Poison, messages.Count));
    }

    /// <summary>Replays one pull request, or every poisoned one when <paramref name="messageId"/> is null; each resumes its run (audited).</summary>
    public async Task<ServiceResult<PoisonReplayResult>> ReplayAsync(string? messageId, string actor, CancellationToken cancellationToken)
    {
        if (_pulls is null)
        {
            return NoQueue();
        }

        var replayed = await _pulls.ReplayPoisonAsync(messageId, cancellationToken);
        if (messageId is not null && replayed == 0)
        {
            return ServiceError.NotFound("There is no poisoned pull request with that id.");
        }

        await _audit.WriteAsync(actor, "pulls.poison.replay", messageId ?? "*", new { replayed }, cancellationToken);
        return new PoisonReplayResult(replayed);
    }

    private static ServiceError NoQueue() => ServiceError.Unavailable(
        "No pull queue",
        "This host has no storage configured, so API-triggered pulls run in-process and there is no pull poison queue.");
}
