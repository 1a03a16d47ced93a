using Dapper;
using Npgsql;

namespace Daedalus.Storage;

/// <summary>Where each (source, stream) resumes.</summary>
public sealed class CursorStore
{
    private readonly NpgsqlDataSource _dataSource;

    public CursorStore(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
    }

    public async Task<string?> GetAsync(string source, string stream, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT value FROM daedalus.cursors WHERE source = @source AND stream = @stream", new { source, stream }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The stream's generation: 0 until the first reset, then one more per reset. Batch ids include it, so after a
    /// reset every re-read batch is new to the ledger and re-applied (rows deleted or changed by hand come back).
    /// </summary>
    public async Task<int> GetGenerationAsync(string source, string stream, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<int?>(new CommandDefinition(
            "SELECT generation FROM daedalus.cursors WHERE source = @source AND stream = @stream", new { source, stream }, cancellationToken: cancellationToken)) ?? 0;
    }

    /// <summary>Advance after a batch was durably enqueued (queue path).</summary>
    public async Task AdvanceAsync(string source, string stream, string value, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await AdvanceAsync(connection, null, source, stream, value, cancellationToken);
    }

    /// <summary>Advance inside a load transaction (in-process path).</summary>
    public static Task AdvanceAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string source, string stream, string value, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO daedalus.cursors (source, stream, value, updated_at) VALUES (@source, @stream, @value, now())
            ON CONFLICT (source, stream) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
            """,
            new { source, stream, value },
            transaction,
            cancellationToken: cancellationToken));

    /// <summary>
    /// Forget the cursor so the next pull is a full resync that re-applies every row (the generation moves on, so
    /// no re-read batch is taken for one already loaded); audited. Returns whether a cursor was stored.
    /// </summary>
    public async Task<bool> ResetAsync(string source, string stream, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var previous = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT value FROM daedalus.cursors WHERE source = @source AND stream = @stream FOR UPDATE", new { source, stream }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO daedalus.cursors AS c (source, stream, value, generation, updated_at) VALUES (@source, @stream, NULL, 1, now())
            ON CONFLICT (source, stream) DO UPDATE SET value = NULL, generation = c.generation + 1, updated_at = now()
            """,
            new { source, stream },
            transaction,
            cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO daedalus.audit_log (actor, action, target, detail) VALUES (@actor, 'cursor.reset', @target, jsonb_build_object('previous', @previous::text))",
            new { actor, target = $"{source}/{stream}", previous },
            transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return previous is not null;
    }
}
