using Dapper;
using Npgsql;

namespace Daedalus.Storage;

/// <summary>
/// One column of a target table as PostgreSQL's catalog has it: <see cref="Type"/> as <c>format_type</c> spells it
/// (with its modifiers, e.g. <c>numeric(28,6)</c>), whether it accepts NULL, and its 1-based position in the primary
/// key (0: not part of it).
/// </summary>
public sealed record TargetTableColumn(string Name, string Type, bool Nullable, int KeyPosition)
{
    public bool InPrimaryKey => KeyPosition > 0;

    /// <summary>
    /// The columns of <paramref name="schema"/>.<paramref name="table"/> (a plain or partitioned table) in table order;
    /// empty when there is no such table. Names are matched exactly, as stored (no quoting, no case folding).
    /// </summary>
    public static async Task<List<TargetTableColumn>> ReadAsync(NpgsqlConnection connection, string schema, string table, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<(string Name, string Type, bool Nullable, int KeyPosition)>(new CommandDefinition(
            """
            -- int2vector subscripts start at 0: the position is made 1-based, 0 meaning "not in the primary key".
            SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
                   coalesce((SELECT array_position(i.indkey::int2[], a.attnum) + 1 - array_lower(i.indkey::int2[], 1) FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary), 0)
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE n.nspname = @schema AND c.relname = @table AND c.relkind IN ('r', 'p')
            ORDER BY a.attnum
            """,
            new { schema, table },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => new TargetTableColumn(r.Name, r.Type, r.Nullable, r.KeyPosition))];
    }
}
