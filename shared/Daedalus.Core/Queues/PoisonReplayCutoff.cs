using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Daedalus.Queues;

/// <summary>
/// The bound of a replay-all: the poison messages inserted up to its start, by the storage service's own clock. A
/// replayed message that fails again at once comes back as a new poison message; without the bound, replay-all would
/// take it for more work, replay it again, and never end while the target keeps failing.
/// </summary>
public sealed class PoisonReplayCutoff
{
    private readonly DateTimeOffset _cutoff;

    private PoisonReplayCutoff(DateTimeOffset cutoff) => _cutoff = cutoff;

    /// <summary>
    /// Reads the service's time (whole seconds, like insertion times) and waits past that second, so everything inserted
    /// from now on is later than the cutoff and everything already there is not.
    /// </summary>
    public static async Task<PoisonReplayCutoff> TakeAsync(QueueClient poison, CancellationToken cancellationToken)
    {
        var properties = await poison.GetPropertiesAsync(cancellationToken);
        // Without a Date header, our own clock (minus a skew allowance) is the best bound there is.
        var now = properties.GetRawResponse().Headers.Date ?? DateTimeOffset.UtcNow.AddSeconds(-5);
        await Task.Delay(TimeSpan.FromSeconds(1.1), cancellationToken);
        return new PoisonReplayCutoff(now);
    }

    /// <summary>Whether the message was in the poison queue when replay-all started (and so is its to replay).</summary>
    public bool Includes(QueueMessage message) => message.InsertedOn is not { } inserted || WholeSeconds(inserted) <= _cutoff;

    // Azurite keeps milliseconds; the service and its Date header do not: compare in whole seconds.
    private static DateTimeOffset WholeSeconds(DateTimeOffset time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), time.Offset);
}
