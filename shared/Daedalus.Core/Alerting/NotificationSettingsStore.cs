using System.Text.Json;
using Daedalus.Storage;
using Dapper;
using Npgsql;

namespace Daedalus.Alerting;

/// <summary>The global notification channels (top-level <c>notifications:</c> of daedalus.yaml), one row in PostgreSQL.</summary>
public sealed class NotificationSettingsStore
{
    private readonly NpgsqlDataSource _dataSource;

    public NotificationSettingsStore(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
    }

    public async Task<IReadOnlyList<NotificationChannelDefinition>> GetAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var json = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT channels::text FROM daedalus.notification_settings", cancellationToken: cancellationToken));
        return json is null ? [] : JsonSerializer.Deserialize<List<NotificationChannelDefinition>>(json, SourceCatalog.Json) ?? [];
    }

    /// <summary>Replaces the global channels (audited as <c>notifications.update</c>).</summary>
    public async Task ReplaceAsync(IReadOnlyList<NotificationChannelDefinition> channels, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO daedalus.notification_settings (id, channels) VALUES (true, @channels::jsonb)
            ON CONFLICT (id) DO UPDATE SET channels = EXCLUDED.channels, updated_at = now();
            INSERT INTO daedalus.audit_log (actor, action, target) VALUES (@actor, 'notifications.update', 'notifications');
            """,
            new { channels = JsonSerializer.Serialize(channels, SourceCatalog.Json), actor },
            transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }
}
