using Dapper;
using Npgsql;

namespace Daedalus.Storage;

/// <summary>Who changed what, for operations that have no table of their own to carry it (poison replays...).</summary>
public sealed class AuditLog
{
    private readonly NpgsqlDataSource _dataSource;

    public AuditLog(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
    }

    public async Task WriteAsync(string actor, string action, string target, object? detail, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO daedalus.audit_log (actor, action, target, detail) VALUES (@actor, @action, @target, @detail::jsonb)",
            new { actor, action, target, detail = System.Text.Json.JsonSerializer.Serialize(detail ?? new { }) },
            cancellationToken: cancellationToken));
    }
}
