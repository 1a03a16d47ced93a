using System.Globalization;
using Daedalus.Api;
using Daedalus.Runs;

namespace Daedalus.Alerting;

/// <summary>
/// Turns "stale" in the freshness report into a <see cref="NotificationKinds.SourceStale"/> event, once per
/// staleness episode: the key carries the last success, so the next tick finds the same key, and only a new
/// success followed by another miss makes a new event.
/// </summary>
public sealed class FreshnessWatch
{
    private readonly SourceFreshnessReader _reader;
    private readonly NotificationOutbox _outbox;
    private readonly TimeProvider _clock;

    public FreshnessWatch(SourceFreshnessReader reader, NotificationOutbox outbox, TimeProvider clock)
    {
        _reader = reader;
        _outbox = outbox;
        _clock = clock;
    }

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        foreach (var source in await _reader.ReadAsync(cancellationToken))
        {
            if (!source.Enabled || source.State != SourceFreshnessReader.Stale)
            {
                continue;
            }

            var since = source.LastSuccessAt?.ToString("O", CultureInfo.InvariantCulture) ?? "never";
            var overdue = TimeSpan.FromSeconds(source.LagSeconds);
            await _outbox.EnqueueAsync(
                new NotificationEvent(
                    $"stale:{source.Name}:{since}",
                    NotificationKinds.SourceStale,
                    NotificationEvent.Warning,
                    source.Name,
                    $"Daedalus: {source.Name} is stale",
                    $"Source {source.Name} has not succeeded since {since}; its next run was expected at {source.NextExpectedAt?.ToString("O", CultureInfo.InvariantCulture) ?? "?"} and is {Humanize(overdue)} overdue.",
                    _clock.GetUtcNow(),
                    null,
                    [
                        new("Source", source.Name),
                        new("Schedule", source.Schedule),
                        new("Last success", since),
                        new("Last run", $"{source.LastRunStatus?.Name() ?? "none"} at {source.LastRunAt?.ToString("O", CultureInfo.InvariantCulture) ?? "-"}"),
                    ]),
                cancellationToken);
        }
    }

    internal static string Humanize(TimeSpan span) =>
        span.TotalDays >= 1 ? $"{span.TotalDays:0.#} days" : span.TotalHours >= 1 ? $"{span.TotalHours:0.#} hours" : $"{Math.Max(0, span.TotalMinutes):0} minutes";
}
