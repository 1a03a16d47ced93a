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

    public async Task<SourceDefinition?> GetAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT definition::text FROM daedalus.sources WHERE name = @name", new { name }, cancellationToken: cancellationToken));
        return row is null ? null : Deserialize(row);
    }

    /// <summary>Creates or replaces; returns true when it created.</summary>
    public async Task<bool> UpsertAsync(SourceDefinition source, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var created = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            """
            INSERT INTO daedalus.sources (name, plugin, enabled, definition) VALUES (@Name, @Plugin, @Enabled, @definition::jsonb)
            ON CONFLICT (name) DO UPDATE SET plugin = EXCLUDED.plugin, enabled = EXCLUDED.enabled, definition = EXCLUDED.definition, updated_at = now()
            RETURNING xmax = 0
            """,
            new { source.Name, source.Plugin, source.Enabled, definition = JsonSerializer.Serialize(source, Json) },
            transaction,
            cancellationToken: cancellationToken));
        await Audit(connection, transaction, actor, created ? "source.create" : "source.update", source.Name, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    /// <summary>Creates only; false when a source of that name exists already (nothing changes then).</summary>
    public async Task<bool> CreateAsync(SourceDefinition source, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var created = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO daedalus.sources (name, plugin, enabled, definition) VALUES (@Name, @Plugin, @Enabled, @definition::jsonb) ON CONFLICT (name) DO NOTHING",
            new { source.Name, source.Plugin, source.Enabled, definition = JsonSerializer.Serialize(source, Json) },
            transaction,
            cancellationToken: cancellationToken)) > 0;
        if (created)
        {
            await Audit(connection, transaction, actor, "source.create", source.Name, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    public async Task<bool> DeleteAsync(string name, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM daedalus.sources WHERE name = @name", new { name }, transaction, cancellationToken: cancellationToken)) > 0;
        if (deleted)
        {
            await Audit(connection, transaction, actor, "source.delete", name, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    private static Task Audit(NpgsqlConnection connection, NpgsqlTransaction transaction, string actor, string action, string target, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO daedalus.audit_log (actor, action, target) VALUES (@actor, @action, @target)",
            new { actor, action, target },
            transaction,
            cancellationToken: cancellationToken));

    private static SourceDefinition Deserialize(string json) =>
        JsonSerializer.Deserialize<SourceDefinition>(json, Json) ?? throw new InvalidOperationException("empty source definition");
}
