using Daedalus.Client;
using Daedalus.Configuration;
using Daedalus.Runs;
using Dapper;
using Npgsql;

namespace Daedalus.Api;

/// <summary>
/// Per-source freshness for the status route and the lag gauge: when each source last succeeded, when its
/// schedule expected the next run after that, and how far past that expectation it is now.
/// </summary>
public sealed class SourceFreshnessReader
{
    public const string Fresh = "fresh";
    public const string Stale = "stale";
    public const string Never = "never";
    public const string Disabled = "disabled";

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _clock;

    public SourceFreshnessReader(NpgsqlDataSource dataSource, TimeProvider clock)
    {
        _dataSource = dataSource;
        _clock = clock;
    }

    public async Task<IReadOnlyList<SourceFreshness>> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Name, bool Enabled, string? Schedule, DateTime? LastSuccessAt, string? LastRunStatus, DateTime? LastRunAt)>(new CommandDefinition(
            """
            SELECT s.name, s.enabled, s.definition->>'schedule',
                   (SELECT max(r.finished_at) FROM daedalus.runs r WHERE r.source = s.name AND r.status = 'succeeded'),
                   l.status, l.started_at
            FROM daedalus.sources s
            LEFT JOIN LATERAL (SELECT status, started_at FROM daedalus.runs r WHERE r.source = s.name ORDER BY started_at DESC LIMIT 1) l ON true
            ORDER BY s.name
            """,
            cancellationToken: cancellationToken));
        var now = _clock.GetUtcNow();
        return rows.Select(r => Assess(r.Name, r.Enabled, r.Schedule ?? "", Utc(r.LastSuccessAt), r.LastRunStatus is { } status ? RunStatuses.Parse(status) : null, Utc(r.LastRunAt), now)).ToList();
    }

    /// <summary>
    /// Stale once a whole scheduled interval has passed beyond the run expected after the last success: one late
    /// or slow run is not yet stale, a missed one is.
    /// </summary>
    public static SourceFreshness Assess(string name, bool enabled, string schedule, DateTimeOffset? lastSuccess, RunStatus? lastRunStatus, DateTimeOffset? lastRunAt, DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        double lag = 0;
        string state;
        if (!enabled)
        {
            state = Disabled;
        }
        else if (lastSuccess is null)
        {
            state = Never;
        }
        else if (SourceDefinitionValidator.TryParseSchedule(schedule, out var cron))
        {
            var due = cron!.GetNextOccurrence(lastSuccess.Value.UtcDateTime);
            var interval = cron.GetNextOccurrence(due) - due;
            next = new DateTimeOffset(DateTime.SpecifyKind(due, DateTimeKind.Utc));
            lag = Math.Max(0, (now - next.Value).TotalSeconds);
            state = lag > interval.TotalSeconds ? Stale : Fresh;
        }
        else
        {
            state = Stale;
        }

        return new SourceFreshness(name, enabled, schedule, state, lastSuccess, lastRunStatus, lastRunAt, next, Math.Round(lag, 3));
    }

    private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}
