using Dapper;
using Npgsql;

namespace Daedalus.Application.Runs;

/// <summary>
/// Serialises "pull now" requests for one source across every API instance: the check for an open pull and the
/// creation of the new run happen under this session-level advisory lock, so of N concurrent requests exactly one
/// creates a run and the others find it and answer 409. Distinct from <see cref="Daedalus.Pipeline.PullLock"/>,
/// which the pull itself holds: a pull worker taking the new run at once must not find the API still holding it.
/// </summary>
public sealed class RunTriggerLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly string _key;

    private RunTriggerLock(NpgsqlConnection connection, string key)
    {
        _connection = connection;
        _key = key;
    }

    /// <summary>Waits for the lock (held only for the few statements of one trigger); cancellation ends the wait.</summary>
    public static async Task<RunTriggerLock> AcquireAsync(NpgsqlDataSource dataSource, string source, CancellationToken cancellationToken)
    {
        var key = "daedalus.trigger." + source;
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(hashtext(@key))", new { key }, cancellationToken: cancellationToken));
            return new RunTriggerLock(connection, key);
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
            // Closing the session releases a session lock too, should the unlock itself have failed.
            await _connection.DisposeAsync();
        }
    }
}
