using Dapper;
using Npgsql;

namespace Daedalus.Storage;

/// <summary>Sync history: one row per run, with per-stream detail. Load counters are added by the loader.</summary>
public sealed class RunStore
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Partial = "partial";
    public const string Failed = "failed";
    public const string Skipped = "skipped";

    private readonly NpgsqlDataSource _dataSource;

    public RunStore(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
    }

    public async Task StartAsync(Guid id, string source, string trigger, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO daedalus.runs (id, source, trigger, status, started_at) VALUES (@id, @source, @trigger, @status, @at) ON CONFLICT (id) DO NOTHING",
            new { id, source, trigger, status = Running, at }, cancellationToken: cancellationToken));
    }

    public async Task RecordStreamAsync(Guid id, string stream, long rowsRead, int batches, string? cursorFrom, string? cursorTo, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO daedalus.run_streams (run_id, stream, rows_read, batches, cursor_from, cursor_to, duration_ms)
            VALUES (@id, @stream, @rowsRead, @batches, @cursorFrom, @cursorTo, @ms)
            ON CONFLICT (run_id, stream) DO UPDATE SET rows_read = EXCLUDED.rows_read, batches = EXCLUDED.batches,
                cursor_to = EXCLUDED.cursor_to, duration_ms = EXCLUDED.duration_ms;
            UPDATE daedalus.runs SET rows_read = (SELECT coalesce(sum(rows_read), 0) FROM daedalus.run_streams WHERE run_id = @id),
                batches = (SELECT coalesce(sum(batches), 0) FROM daedalus.run_streams WHERE run_id = @id) WHERE id = @id;
            """,
            new { id, stream, rowsRead, batches, cursorFrom, cursorTo, ms = (long)duration.TotalMilliseconds }, cancellationToken: cancellationToken));
    }

    public async Task FinishAsync(Guid id, string status, string? error, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE daedalus.runs SET status = @status, error = @error, finished_at = @at WHERE id = @id",
            new { id, status, error, at }, cancellationToken: cancellationToken));
    }

    public async Task<RunRecord?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<RunRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM daedalus.runs WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<RunRecord>> ListAsync(string? source, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<RunRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM daedalus.runs WHERE @source::text IS NULL OR source = @source ORDER BY started_at DESC LIMIT @limit",
            new { source, limit }, cancellationToken: cancellationToken))).ToList();
    }

    private const string Columns = "id, source, trigger, status, started_at, finished_at, rows_read, rows_loaded, rows_quarantined, rows_deleted, batches, error";
}
