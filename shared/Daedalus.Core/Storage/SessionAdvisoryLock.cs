using Dapper;
using Npgsql;

namespace Daedalus.Storage;

/// <summary>
/// A PostgreSQL session-level advisory lock on <c>hashtext(key)</c>, held on a connection of its own until disposed
/// (closing the session releases it too, should the unlock fail). Visible to every process on the same database.
/// </summary>
public sealed class SessionAdvisoryLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly string _key;

    private SessionAdvisoryLock(NpgsqlConnection connection, string key)
    {
        _connection = connection;
        _key = key;
    }

    /// <summary>The lock, or null at once when another session holds it.</summary>
    public static async Task<SessionAdvisoryLock?> TryAcquireAsync(NpgsqlDataSource dataSource, string key, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT pg_try_advisory_lock(hashtext(@key))", new { key }, cancellationToken: cancellationToken)))
            {
                return new SessionAdvisoryLock(connection, key);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    /// <summary>The lock, waiting while another session holds it; cancellation ends the wait.</summary>
    public static async Task<SessionAdvisoryLock> AcquireAsync(NpgsqlDataSource dataSource, string key, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(hashtext(@key))", new { key }, cancellationToken: cancellationToken));
            return new SessionAdvisoryLock(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(hashtext(@key))", new { key = _key }));
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }
}
