using Daedalus.Api;
using Daedalus.Client;
using Daedalus.Configuration;
using Daedalus.Storage;
using Dapper;
using Npgsql;

namespace Daedalus.Application.Catalog;

/// <summary>
/// The catalog: every target table the configured sources load, read from PostgreSQL's own catalog (columns and
/// types as <c>format_type</c> spells them, primary key), with the protected columns of the stream, a row count
/// (exact up to <see cref="ExactCountMaxBytes"/> of table, else PostgreSQL's <c>reltuples</c> estimate so a listing
/// never scans a big table), the last batch loaded and the source's freshness. Read-only.
/// </summary>
public sealed class CatalogService
{
    /// <summary>Tables up to this size are counted exactly; bigger ones report the planner's estimate.</summary>
    public const long ExactCountMaxBytes = 64L * 1024 * 1024;

    private readonly SourceCatalog _sources;
    private readonly SourceFreshnessReader _freshness;
    private readonly NpgsqlDataSource _dataSource;

    public CatalogService(SourceCatalog sources, SourceFreshnessReader freshness, NpgsqlDataSource dataSource)
    {
        _sources = sources;
        _freshness = freshness;
        _dataSource = dataSource;
    }

    /// <summary>Every target table of every source, ordered by schema and table.</summary>
    public async Task<IReadOnlyList<CatalogTable>> ListAsync(CancellationToken cancellationToken)
    {
        var sources = await _sources.ListAsync(cancellationToken);
        return await DescribeAsync(sources.SelectMany(s => s.Streams.Select(st => (s, st))).ToList(), cancellationToken);
    }

    /// <summary>One target table; NotFound when no configured stream loads <paramref name="schema"/>.<paramref name="table"/>.</summary>
    public async Task<ServiceResult<CatalogTable>> GetAsync(string schema, string table, CancellationToken cancellationToken)
    {
        var sources = await _sources.ListAsync(cancellationToken);
        var targets = sources.SelectMany(s => s.Streams.Where(st => st.Target.Schema == schema && st.Target.Table == table).Select(st => (s, st))).ToList();
        if (targets.Count == 0)
        {
            return ServiceError.NotFound($"No configured stream loads a table '{Printable(schema)}.{Printable(table)}'.");
        }

        return (await DescribeAsync(targets, cancellationToken))[0];
    }

    private async Task<IReadOnlyList<CatalogTable>> DescribeAsync(IReadOnlyList<(SourceDefinition Source, StreamDefinition Stream)> targets, CancellationToken cancellationToken)
    {
        var freshness = (await _freshness.ReadAsync(cancellationToken)).ToDictionary(f => f.Name, f => f.State, StringComparer.Ordinal);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var tables = new List<CatalogTable>();
        foreach (var (source, stream) in targets.OrderBy(t => t.Stream.Target.Schema, StringComparer.Ordinal).ThenBy(t => t.Stream.Target.Table, StringComparer.Ordinal).ThenBy(t => t.Source.Name, StringComparer.Ordinal))
        {
            var schema = stream.Target.Schema;
            var table = stream.Target.Table;
            var columns = await TargetTableColumn.ReadAsync(connection, schema, table, cancellationToken);
            var protection = columns.ToDictionary(c => c.Name, c => ProtectionOf(stream, c)?.ToString().ToLowerInvariant(), StringComparer.Ordinal);
            IEnumerable<string> protectedColumns = columns.Count > 0
                ? protection.Where(p => p.Value is not null).Select(p => p.Key)
                : stream.Protect.Keys.Select(k => stream.Rename.TryGetValue(k, out var renamed) ? renamed : k); // no table yet: as configured
            var lastLoad = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
                "SELECT max(loaded_at) FROM daedalus.batches WHERE source = @source AND stream = @stream",
                new { source = source.Name, stream = stream.Name },
                cancellationToken: cancellationToken));
            var (rows, estimated) = columns.Count == 0 ? ((long?)null, false) : await CountAsync(connection, schema, table, cancellationToken);
            tables.Add(new CatalogTable(
                schema,
                table,
                source.Name,
                stream.Name,
                columns.Count > 0,
                rows,
                estimated,
                lastLoad is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null,
                freshness.GetValueOrDefault(source.Name, SourceFreshnessReader.Never),
                [.. protectedColumns.Order(StringComparer.Ordinal)],
                [.. columns.Select(c => new CatalogColumn(c.Name, c.Type, c.Nullable, c.InPrimaryKey, protection.GetValueOrDefault(c.Name), c.Name.StartsWith("_daedalus_", StringComparison.Ordinal)))]));
        }

        return tables;
    }

    /// <summary>
    /// How a target column is protected: the <c>protect</c> entry of its source column (the stream renames source to
    /// target names), else the <c>"*"</c> entry for any column but the key, Daedalus's own columns and the cursor.
    /// Protected columns are always <c>text</c>, which also rules out a cursor the plugin declares (the definition
    /// does not name it).
    /// </summary>
    private static ProtectionMode? ProtectionOf(StreamDefinition stream, TargetTableColumn column)
    {
        var sourceName = stream.Rename.FirstOrDefault(r => string.Equals(r.Value, column.Name, StringComparison.Ordinal)).Key ?? column.Name;
        if (stream.Protect.TryGetValue(sourceName, out var named))
        {
            return named;
        }

        var exempt = column.InPrimaryKey || column.Name.StartsWith("_daedalus_", StringComparison.Ordinal) || column.Type != "text"
            || string.Equals(stream.Cursor, sourceName, StringComparison.OrdinalIgnoreCase);
        return !exempt && stream.Protect.TryGetValue(Ingest.BatchPreparer.ProtectEveryColumn, out var every) ? every : null;
    }

    /// <summary>Exact for a table up to <see cref="ExactCountMaxBytes"/>; otherwise <c>reltuples</c> (kept current by autovacuum's analyze).</summary>
    private static async Task<(long? Rows, bool Estimated)> CountAsync(NpgsqlConnection connection, string schema, string table, CancellationToken cancellationToken)
    {
        var (bytes, reltuples) = await connection.QuerySingleAsync<(long Bytes, double Reltuples)>(new CommandDefinition(
            """
            SELECT pg_relation_size(c.oid), c.reltuples::double precision
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = @schema AND c.relname = @table
            """,
            new { schema, table },
            cancellationToken: cancellationToken));
        if (bytes > ExactCountMaxBytes)
        {
            // -1: never analyzed yet; say so rather than guess.
            return (reltuples >= 0 ? (long)reltuples : null, true);
        }

        // Identifiers come from validated source definitions and are quoted.
        var exact = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT count(*) FROM {SqlIdentifier.Qualified(schema, table)}", cancellationToken: cancellationToken));
        return (exact, false);
    }

    private static string Printable(string text) => Sources.SourceService.Printable(text);
}
