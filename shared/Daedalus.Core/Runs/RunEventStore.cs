using System.Text.Json;
using Dapper;
using Npgsql;

namespace Daedalus.Runs;

/// <summary>
/// A run's events (<c>daedalus.run_events</c>): what happened, in order, written by the step that did it (a load's event
/// in the load's own transaction). Read back in insertion order; retention deletes them with their run.
/// </summary>
public sealed class RunEventStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new StorableStringJsonConverter() } };

    private readonly NpgsqlDataSource _dataSource;

    public RunEventStore(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
    }

    /// <summary>
    /// SQL (parameter <c>@id</c>: the run) that records <see cref="RunEventKinds.Finished"/> when the run has a final
    /// status that differs from the last one recorded, so a settle repeated by a sweep adds nothing and a replay that
    /// changes the outcome adds the new one. Runs after the statement that set the status, in the same command.
    /// </summary>
    public const string FinishedSql =
        """
        SELECT 1 FROM daedalus.runs WHERE id = @id FOR UPDATE;
        INSERT INTO daedalus.run_events (run_id, kind, source, detail)
        SELECT r.id, 'run.finished', r.source, jsonb_build_object('status', r.status, 'rowsRead', r.rows_read, 'rowsLoaded', r.rows_loaded,
            'rowsQuarantined', r.rows_quarantined, 'rowsDeleted', r.rows_deleted, 'batches', r.batches, 'batchesPoisoned', r.batches_poisoned,
            'batchesLost', r.batches_lost, 'rowsNotLoaded', r.rows_not_loaded, 'error', r.error)
        FROM daedalus.runs r
        WHERE r.id = @id AND r.status IN ('succeeded', 'partial', 'failed', 'cancelled')
          AND r.status IS DISTINCT FROM (SELECT e.detail ->> 'status' FROM daedalus.run_events e WHERE e.run_id = @id AND e.kind = 'run.finished' ORDER BY e.id DESC LIMIT 1);
        """;

    /// <summary>Records one event on its own connection.</summary>
    public async Task RecordAsync(Guid runId, string kind, string source, string? stream, string? batchId, object detail, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await RecordAsync(connection, null, runId, kind, source, stream, batchId, detail, cancellationToken);
    }

    /// <summary>Records one event on the caller's connection, inside <paramref name="transaction"/> when given.</summary>
    public static Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid runId, string kind, string source, string? stream, string? batchId, object detail, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO daedalus.run_events (run_id, kind, source, stream, batch_id, detail) VALUES (@runId, @kind, @source, @stream, @batchId, @detail::jsonb)",
            new { runId, kind, source, stream, batchId, detail = JsonSerializer.Serialize(detail, Json) },
            transaction,
            cancellationToken: cancellationToken));

    /// <summary>The run's events in the order they were recorded (at most <paramref name="limit"/>), those after event id <paramref name="after"/>.</summary>
    public async Task<IReadOnlyList<RunEvent>> ListAsync(Guid runId, int limit, CancellationToken cancellationToken, long after = 0)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Id, Guid RunId, DateTime At, string Kind, string Source, string? Stream, string? BatchId, string Detail)>(new CommandDefinition(
            "SELECT id, run_id, at, kind, source, stream, batch_id, detail::text FROM daedalus.run_events WHERE run_id = @runId AND id > @after ORDER BY id LIMIT @limit",
            new { runId, limit, after },
            cancellationToken: cancellationToken));
        return rows.Select(r => new RunEvent(r.Id, r.RunId, new DateTimeOffset(DateTime.SpecifyKind(r.At, DateTimeKind.Utc)), r.Kind, r.Source, r.Stream, r.BatchId, r.Detail)).ToList();
    }

    /// <summary>Whether event <paramref name="eventId"/> is one of run <paramref name="runId"/>'s (a page cursor must be).</summary>
    public async Task<bool> IsEventOfAsync(Guid runId, long eventId, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM daedalus.run_events WHERE run_id = @runId AND id = @eventId)", new { runId, eventId }, cancellationToken: cancellationToken));
    }
}
