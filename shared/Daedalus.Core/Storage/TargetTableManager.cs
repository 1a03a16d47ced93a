using System.Collections.Concurrent;
using Daedalus.Sources;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Daedalus.Storage;

/// <summary>
/// Keeps target tables in step with stream schemas: creates them, adds new source columns, widens types
/// where no value can be lost and refuses every other change with a clear error.
/// </summary>
public sealed class TargetTableManager
{
    public const string BatchColumn = "_daedalus_batch_id";
    public const string LoadedAtColumn = "_daedalus_loaded_at";
    public const string DeletedAtColumn = "_daedalus_deleted_at";

    /// <summary>
    /// The cursor value of the delete that marked a row deleted (same type as the cursor column). The cursor column
    /// itself keeps the cursor of the row's values, so a late, older update can still fill the values of a deleted
    /// row without un-deleting it, and only an update newer than the delete brings the row back.
    /// </summary>
    public const string DeletedCursorColumn = "_daedalus_deleted_cursor";

    /// <summary>PostgreSQL's hard limit of columns per table.</summary>
    public const int MaxColumns = 1600;

    // Layouts already checked by this process: skips the catalog query on every batch.
    private readonly ConcurrentDictionary<string, bool> _known = new(StringComparer.Ordinal);
    private readonly ILogger<TargetTableManager> _logger;

    public TargetTableManager(ILogger<TargetTableManager> logger)
    {
        _logger = logger;
    }

    /// <summary>
    /// Creates or alters the table inside the load transaction. Returns the layout signature to pass to
    /// <see cref="Remember"/> once that transaction commits (null when it was already known): remembering it
    /// before the commit would let a concurrent batch of this process COPY into a table not yet visible to it.
    /// Throws <see cref="SchemaChangeException"/> for a change that would lose values or a table wider than
    /// PostgreSQL allows.
    /// </summary>
    public async Task<string?> EnsureAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string stream, string schema, string table, IReadOnlyList<ColumnSchema> columns, IReadOnlyList<string> primaryKey, string? cursorColumn, CancellationToken cancellationToken)
    {
        var signature = $"{schema}.{table}({string.Join(",", columns.Select(c => $"{c.Name}:{c.Type}"))})pk({string.Join(",", primaryKey)})c({cursorColumn})";
        if (_known.ContainsKey(signature))
        {
            return null;
        }

        var cursorType = cursorColumn is null ? null : columns.FirstOrDefault(c => c.Name == cursorColumn)?.Type;
        var bookkeeping = cursorType is null ? 3 : 4;
        if (columns.Count + bookkeeping > MaxColumns)
        {
            throw new SchemaChangeException(
                $"stream {stream} has {columns.Count} columns; with Daedalus's {bookkeeping} bookkeeping columns that is more than PostgreSQL's limit of {MaxColumns} columns per table ({schema}.{table}). Select fewer columns for the stream (or split it into two streams).");
        }

        var qualified = SqlIdentifier.Qualified(schema, table);
        // Serialises DDL on one table across instances; released at commit.
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtext(@name))", new { name = "daedalus.ddl." + schema + "." + table }, transaction, cancellationToken: cancellationToken));
        var existing = (await connection.QueryAsync<(string Name, string Type)>(new CommandDefinition(
            """
            SELECT a.attname, format_type(a.atttypid, NULL)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = @schema AND c.relname = @table AND a.attnum > 0 AND NOT a.attisdropped
            """,
            new { schema, table },
            transaction,
            cancellationToken: cancellationToken))).ToDictionary(r => r.Name, r => r.Type, StringComparer.Ordinal);

        if (existing.Count == 0)
        {
            var definitions = columns.Select(c => $"{SqlIdentifier.Quote(c.Name)} {PostgresTypes.SqlType(c.Type)}")
                .Append($"{BatchColumn} text NOT NULL")
                .Append($"{LoadedAtColumn} timestamptz NOT NULL DEFAULT now()")
                .Append($"{DeletedAtColumn} timestamptz")
                .Concat(cursorType is { } type ? new[] { $"{DeletedCursorColumn} {PostgresTypes.SqlType(type)}" } : Array.Empty<string>())
                .Append($"PRIMARY KEY ({string.Join(", ", primaryKey.Select(SqlIdentifier.Quote))})");
            await connection.ExecuteAsync(new CommandDefinition($"CREATE SCHEMA IF NOT EXISTS {SqlIdentifier.Quote(schema)}", transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition($"CREATE TABLE {qualified} ({string.Join(", ", definitions)})", transaction: transaction, cancellationToken: cancellationToken));
            _logger.LogInformation("Created table {Table} with {Columns} columns", $"{schema}.{table}", columns.Count);
        }
        else
        {
            var problems = new List<string>();
            var changes = new List<string>();
            foreach (var column in columns)
            {
                var wanted = PostgresTypes.SqlType(column.Type);
                if (!existing.TryGetValue(column.Name, out var current))
                {
                    changes.Add($"ADD COLUMN {SqlIdentifier.Quote(column.Name)} {wanted}");
                }
                else if (current != wanted)
                {
                    if (PostgresTypes.IsLossless(current, column.Type))
                    {
                        changes.Add($"ALTER COLUMN {SqlIdentifier.Quote(column.Name)} TYPE {wanted} USING {SqlIdentifier.Quote(column.Name)}::{wanted}");
                    }
                    else
                    {
                        problems.Add($"column {column.Name} is {current} in {schema}.{table} but the source now sends {wanted}; converting would lose data");
                    }
                }
            }

            if (cursorType is { } deletedCursorType)
            {
                var wanted = PostgresTypes.SqlType(deletedCursorType);
                if (!existing.TryGetValue(DeletedCursorColumn, out var current))
                {
                    changes.Add($"ADD COLUMN {DeletedCursorColumn} {wanted}");
                }
                else if (current != wanted)
                {
                    changes.Add($"ALTER COLUMN {DeletedCursorColumn} TYPE {wanted} USING {DeletedCursorColumn}::{wanted}");
                }
            }

            if (problems.Count > 0)
            {
                throw new SchemaChangeException($"refused schema change for {schema}.{table}: {string.Join("; ", problems)}. Migrate the column by hand (or point the stream at a new table) and run again.");
            }

            if (changes.Count > 0)
            {
                await connection.ExecuteAsync(new CommandDefinition($"ALTER TABLE {qualified} {string.Join(", ", changes)}", transaction: transaction, cancellationToken: cancellationToken));
                _logger.LogInformation("Altered table {Table}: {Changes}", $"{schema}.{table}", string.Join(", ", changes));
            }
        }

        return signature;
    }

    /// <summary>Remembers a layout after the transaction that created or checked it committed.</summary>
    public void Remember(string? signature)
    {
        if (signature is not null)
        {
            _known[signature] = true;
        }
    }

    /// <summary>Forget cached layouts (after a rollback, or when tables are dropped by hand).</summary>
    public void Forget() => _known.Clear();
}
