using System.Text.Json;
using Daedalus.Client;
using Dapper;
using Npgsql;

namespace Daedalus.Metrics;

/// <summary>Reads the metric layer back: the series that exist, and their points re-bucketed to a step.</summary>
public sealed class SeriesReader
{
    private readonly NpgsqlDataSource _dataSource;

    public SeriesReader(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
    }

    /// <summary>Series by name and labels, at most <paramref name="limit"/>, those after series <paramref name="after"/> in that order when given.</summary>
    public async Task<IReadOnlyList<SeriesInfo>> ListAsync(string? metric, int limit, CancellationToken cancellationToken, long? after = null)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        // min/max per series are index lookups on (series_id, ts), not scans.
        var rows = await connection.QueryAsync<(long Id, string Name, string Labels, DateTime? FirstAt, DateTime? LastAt)>(new CommandDefinition(
            """
            SELECT s.id, s.name, s.labels::text,
                   (SELECT min(ts) FROM daedalus.metric_points p WHERE p.series_id = s.id),
                   (SELECT max(ts) FROM daedalus.metric_points p WHERE p.series_id = s.id)
            FROM daedalus.metric_series s
            WHERE (@metric::text IS NULL OR s.name = @metric)
              AND (@after::bigint IS NULL OR (s.name, s.labels::text, s.id) > (SELECT a.name, a.labels::text, a.id FROM daedalus.metric_series a WHERE a.id = @after))
            ORDER BY s.name, s.labels::text, s.id
            LIMIT @limit
            """,
            new { metric, limit, after },
            cancellationToken: cancellationToken));
        return rows.Select(r => new SeriesInfo(r.Id, r.Name, Labels(r.Labels), Utc(r.FirstAt), Utc(r.LastAt))).ToList();
    }

    /// <summary>Points of <paramref name="metric"/> whose labels contain <paramref name="labels"/>, one row per (bucket, series).</summary>
    public async Task<IReadOnlyList<SeriesPoint>> PointsAsync(string metric, IReadOnlyDictionary<string, string> labels, DateTimeOffset from, DateTimeOffset to, TimeSpan step, SeriesAggregate aggregate, CancellationToken cancellationToken)
    {
        var value = aggregate switch
        {
            // numeric end to end: a sum of money stays the exact decimal (no 468712.93999999994 from double).
            SeriesAggregate.Sum => "sum(p.sum)",
            SeriesAggregate.Count => "sum(p.count)::numeric",
            // A mean need not terminate: PostgreSQL's division keeps at least 16 significant digits; trailing zeros trimmed.
            SeriesAggregate.Avg => "trim_scale(sum(p.sum) / NULLIF(sum(p.count), 0))",
            SeriesAggregate.Min => "min(p.min)",
            SeriesAggregate.Max => "max(p.max)",
            _ => throw new ArgumentOutOfRangeException(nameof(aggregate), aggregate, "unknown aggregate"),
        };
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        // As text: numeric keeps more digits than decimal, and Npgsql refuses to read into decimal what it cannot hold.
        var rows = await connection.QueryAsync<(DateTime Time, string Labels, string? Value)>(new CommandDefinition(
            $"""
            SELECT date_bin(@step, p.ts, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS time, s.labels::text, ({value})::text
            FROM daedalus.metric_series s JOIN daedalus.metric_points p ON p.series_id = s.id
            WHERE s.name = @metric AND s.labels @> @filter::jsonb AND p.ts >= @from AND p.ts < @to
            GROUP BY 1, s.labels
            ORDER BY s.labels::text, 1
            """,
            new { metric, filter = JsonSerializer.Serialize(labels), from = from.UtcDateTime, to = to.UtcDateTime, step },
            cancellationToken: cancellationToken));
        return rows.Select(r => new SeriesPoint(Utc(r.Time)!.Value, r.Value is null ? null : ExactNumber.Parse(r.Value), Labels(r.Labels))).ToList();
    }

    private static Dictionary<string, string> Labels(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!
            .ToDictionary(kv => kv.Key, kv => kv.Value.ValueKind == JsonValueKind.String ? kv.Value.GetString()! : kv.Value.GetRawText());

    private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}
