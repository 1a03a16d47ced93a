using Dapper;
using Npgsql;

namespace Daedalus.Pipeline;

/// <summary>
/// The source's pull lock (the advisory lock <see cref="SyncRunner"/> takes while it pulls), held by the API while it
/// changes a cursor, and probed before a trigger so a second pull is refused with 409 rather than skipped.
/// </summary>
public sealed class PullLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly string _key;

    private PullLock(NpgsqlConnection connection, string key)
    {
        _connection = connection;
        _key = key;
    }

    /// <summary>The lock, or null when a pull of the source holds it.</summary>
    public static async Task<PullLock?> TryAcquireAsync(NpgsqlDataSource dataSource, string source, CancellationToken cancellationToken)
    {
        var key = "daedalus.pull." + source;
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT pg_try_advisory_lock(hashtext(@key))", new { key }, cancellationToken: cancellationToken)))
        {
            return new PullLock(connection, key);
        }

        await connection.DisposeAsync();
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(hashtext(@key))", new { key = _key }));
        await _connection.DisposeAsync();
    }
}
