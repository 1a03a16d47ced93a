using System.Text.Json;
using System.Text.Json.Serialization;
using Daedalus.Configuration;
using Dapper;
using Npgsql;

namespace Daedalus.Storage;

/// <summary>The runtime truth for source definitions: YAML is applied here and the API edits it.</summary>
public sealed class SourceCatalog
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly NpgsqlDataSource _dataSource;

    public SourceCatalog(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
    }

    public async Task<IReadOnlyList<SourceDefinition>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT definition::text FROM daedalus.sources ORDER BY name", cancellationToken: cancellationToken));
        return rows.Select(Deserialize).ToList();
    }

    public async Task<SourceDefinition?> GetAsync(string name, CancellationToken cancellationToken) =>
        (await GetVersionedAsync(name, cancellationToken))?.Definition;

    /// <summary>The source and its version, or null when there is none of that name.</summary>
    public async Task<StoredSource?> GetVersionedAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Definition, long Version)>(new CommandDefinition(
            "SELECT definition::text, version FROM daedalus.sources WHERE name = @name", new { name }, cancellationToken: cancellationToken));
        return rows.Select(r => new StoredSource(Deserialize(r.Definition), r.Version)).SingleOrDefault();
    }

    /// <summary>Creates or replaces; returns true when it created.</summary>
    public async Task<bool> UpsertAsync(SourceDefinition source, string actor, CancellationToken cancellationToken) =>
        (await ReplaceAsync(source, null, actor, cancellationToken)).Outcome == SourceWrite.Created;

    /// <summary>
    /// Creates or replaces the whole definition in one statement (so it never loses to or resurrects past a concurrent
    /// write: the row lock orders them). With <paramref name="expectedVersion"/> it only replaces that version of an
    /// existing source (<see cref="SourceWrite.VersionMismatch"/> or <see cref="SourceWrite.Missing"/> otherwise).
    /// </summary>
    public async Task<(SourceWrite Outcome, long Version)> ReplaceAsync(SourceDefinition source, long? expectedVersion, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ClaimTargetsAsync(connection, transaction, source, cancellationToken);
        var parameters = new { source.Name, source.Plugin, source.Enabled, definition = JsonSerializer.Serialize(source, Json), expectedVersion };
        var rows = expectedVersion is null
            ? await connection.QueryAsync<(bool Created, long Version)>(new CommandDefinition(
                """
                INSERT INTO daedalus.sources (name, plugin, enabled, definition) VALUES (@Name, @Plugin, @Enabled, @definition::jsonb)
                ON CONFLICT (name) DO UPDATE SET plugin = EXCLUDED.plugin, enabled = EXCLUDED.enabled, definition = EXCLUDED.definition,
                    version = daedalus.sources.version + 1, updated_at = now()
                RETURNING xmax = 0, version
                """,
                parameters,
                transaction,
                cancellationToken: cancellationToken))
            : await connection.QueryAsync<(bool Created, long Version)>(new CommandDefinition(
                """
                UPDATE daedalus.sources SET plugin = @Plugin, enabled = @Enabled, definition = @definition::jsonb, version = version + 1, updated_at = now()
                WHERE name = @Name AND version = @expectedVersion
                RETURNING false, version
                """,
                parameters,
                transaction,
                cancellationToken: cancellationToken));
        if (rows.SingleOrDefault() is not { Version: > 0 } written)
        {
            await transaction.RollbackAsync(cancellationToken);
            return (await ExistsAsync(connection, source.Name, cancellationToken) ? SourceWrite.VersionMismatch : SourceWrite.Missing, 0);
        }

        await Audit(connection, transaction, actor, written.Created ? "source.create" : "source.update", source.Name, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (written.Created ? SourceWrite.Created : SourceWrite.Updated, written.Version);
    }

    /// <summary>Creates only; false when a source of that name exists already (nothing changes then).</summary>
    public async Task<bool> CreateAsync(SourceDefinition source, string actor, CancellationToken cancellationToken) =>
        await CreateVersionedAsync(source, actor, cancellationToken) is not null;

    /// <summary>Creates only; the new version, or null when a source of that name exists already (nothing changes then).</summary>
    public async Task<long?> CreateVersionedAsync(SourceDefinition source, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ClaimTargetsAsync(connection, transaction, source, cancellationToken);
        var version = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "INSERT INTO daedalus.sources (name, plugin, enabled, definition) VALUES (@Name, @Plugin, @Enabled, @definition::jsonb) ON CONFLICT (name) DO NOTHING RETURNING version",
            new { source.Name, source.Plugin, source.Enabled, definition = JsonSerializer.Serialize(source, Json) },
            transaction,
            cancellationToken: cancellationToken));
        if (version is not null)
        {
            await Audit(connection, transaction, actor, "source.create", source.Name, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return version;
    }

    /// <summary>
    /// Changes an existing source under its row lock, in one transaction: the row is locked, <paramref name="change"/>
    /// applied to what is stored now, and written back. A concurrent PUT or DELETE is ordered before or after, never lost
    /// and never undone; a source deleted meanwhile stays deleted (<see cref="SourceWrite.Missing"/>).
    /// <paramref name="change"/> returns the definition to store, or null to refuse (nothing is written:
    /// <see cref="SourceWrite.Invalid"/>).
    /// </summary>
    public async Task<(SourceWrite Outcome, StoredSource? Source)> UpdateAsync(
        string name, long? expectedVersion, Func<SourceDefinition, SourceDefinition?> change, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // The targets lock before the row lock, as every writer takes them (no deadlock between a PUT and a PATCH).
        await LockTargetsAsync(connection, transaction, cancellationToken);
        var rows = await connection.QueryAsync<(string Definition, long Version)>(new CommandDefinition(
            "SELECT definition::text, version FROM daedalus.sources WHERE name = @name FOR UPDATE", new { name }, transaction, cancellationToken: cancellationToken));
        if (rows.SingleOrDefault() is not { Definition: not null } current)
        {
            return (SourceWrite.Missing, null);
        }

        if (expectedVersion is { } expected && expected != current.Version)
        {
            return (SourceWrite.VersionMismatch, null);
        }

        if (change(Deserialize(current.Definition)) is not { } source)
        {
            return (SourceWrite.Invalid, null);
        }

        await RefuseTakenTargetsAsync(connection, transaction, source, cancellationToken);
        var version = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            UPDATE daedalus.sources SET plugin = @Plugin, enabled = @Enabled, definition = @definition::jsonb, version = version + 1, updated_at = now()
            WHERE name = @Name RETURNING version
            """,
            new { source.Name, source.Plugin, source.Enabled, definition = JsonSerializer.Serialize(source, Json) },
            transaction,
            cancellationToken: cancellationToken));
        await Audit(connection, transaction, actor, "source.update", name, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (SourceWrite.Updated, new StoredSource(source, version));
    }

    public async Task<bool> DeleteAsync(string name, string actor, CancellationToken cancellationToken) =>
        await DeleteAsync(name, null, actor, cancellationToken) == SourceWrite.Deleted;

    /// <summary>Deletes the source (only at <paramref name="expectedVersion"/> when given).</summary>
    public async Task<SourceWrite> DeleteAsync(string name, long? expectedVersion, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM daedalus.sources WHERE name = @name AND (@expectedVersion::bigint IS NULL OR version = @expectedVersion)",
            new { name, expectedVersion },
            transaction,
            cancellationToken: cancellationToken)) > 0;
        if (!deleted)
        {
            await transaction.RollbackAsync(cancellationToken);
            return expectedVersion is not null && await ExistsAsync(connection, name, cancellationToken) ? SourceWrite.VersionMismatch : SourceWrite.Missing;
        }

        await Audit(connection, transaction, actor, "source.delete", name, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return SourceWrite.Deleted;
    }

    /// <summary>
    /// Takes the targets lock for this transaction and refuses (<see cref="TargetTakenException"/>) a definition that
    /// targets a table another source owns. Check and write are under one lock, held to commit, so two concurrent
    /// writers cannot both claim a free table.
    /// </summary>
    private static async Task ClaimTargetsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SourceDefinition source, CancellationToken cancellationToken)
    {
        await LockTargetsAsync(connection, transaction, cancellationToken);
        await RefuseTakenTargetsAsync(connection, transaction, source, cancellationToken);
    }

    /// <summary>One lock for every write of a definition: ownership is a property of all of them together.</summary>
    private static Task LockTargetsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(hashtext('daedalus.source_targets'))", transaction: transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// Under the targets lock: the other sources' streams on tables <paramref name="source"/> targets. A retired or
    /// disabled source still owns its tables (its data is there) until it is deleted. A table the stored version of
    /// this source targets already is not refused, so a source stored before this rule (sharing a table) can still be
    /// disabled or moved elsewhere.
    /// </summary>
    private static async Task RefuseTakenTargetsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SourceDefinition source, CancellationToken cancellationToken)
    {
        var claims = TargetOwnership.Claims(source).ToList();
        if (claims.Count == 0)
        {
            return;
        }

        var owners = await connection.QueryAsync<(string Source, string Stream, string Schema, string Table)>(new CommandDefinition(
            """
            WITH claims AS (
                SELECT s.name AS source, st ->> 'name' AS stream, st -> 'target' ->> 'schema' AS target_schema, st -> 'target' ->> 'table' AS target_table
                FROM daedalus.sources s CROSS JOIN LATERAL jsonb_array_elements(s.definition -> 'streams') AS st)
            SELECT o.source, o.stream, o.target_schema, o.target_table FROM claims o
            WHERE o.source <> @name
              AND (o.target_schema, o.target_table) IN (SELECT * FROM unnest(@schemas::text[], @tables::text[]))
              AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.source = @name AND c.target_schema = o.target_schema AND c.target_table = o.target_table)
            ORDER BY o.source, o.stream
            """,
            new { name = source.Name, schemas = claims.Select(c => c.Schema).ToArray(), tables = claims.Select(c => c.Table).ToArray() },
            transaction,
            cancellationToken: cancellationToken));
        var clashes = claims
            .Select(claim => owners.Select(o => new TargetClaim(o.Source, o.Stream, o.Schema, o.Table)).FirstOrDefault(o => TargetOwnership.SameTable(o, claim)) is { } owner
                ? new TargetClash(claim, owner)
                : null)
            .OfType<TargetClash>()
            .ToList();
        if (clashes.Count > 0)
        {
            throw new TargetTakenException(clashes);
        }
    }

    private static Task<bool> ExistsAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM daedalus.sources WHERE name = @name)", new { name }, cancellationToken: cancellationToken));

    private static Task Audit(NpgsqlConnection connection, NpgsqlTransaction transaction, string actor, string action, string target, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO daedalus.audit_log (actor, action, target) VALUES (@actor, @action, @target)",
            new { actor, action, target },
            transaction,
            cancellationToken: cancellationToken));

    private static SourceDefinition Deserialize(string json) =>
        JsonSerializer.Deserialize<SourceDefinition>(json, Json) ?? throw new InvalidOperationException("empty source definition");
}
