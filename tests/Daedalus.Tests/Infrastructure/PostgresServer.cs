using Daedalus.Storage;
using Npgsql;

namespace Daedalus.Tests.Infrastructure;

/// <summary>
/// One real PostgreSQL cluster for the whole test run (started from the distro binaries in a temp
/// directory, on a free loopback port); each test class gets its own fresh database on it.
/// </summary>
public static class PostgresServer
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _adminConnectionString;

    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var admin = await AdminAsync();
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(60, prefix.Length + 33)].ToLowerInvariant();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {SqlIdentifier.Quote(name)}", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>
    /// A test host killed by the runner never runs its exit hook; its cluster would run on. Stop and remove
    /// clusters whose owning test process is gone.
    /// </summary>
    private static async Task StopAbandonedClustersAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "daedalus-tests");
        if (!Directory.Exists(root))
        {
            return;
        }

        foreach (var directory in Directory.GetDirectories(root, "pg-*"))
        {
            if (!int.TryParse(Path.GetFileName(directory)[3..], out var pid) || pid == Environment.ProcessId || Directory.Exists($"/proc/{pid}"))
            {
                continue;
            }

            await new EmbeddedPostgres(directory).StopAsync(CancellationToken.None);
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static async Task<string> AdminAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_adminConnectionString is not null)
            {
                return _adminConnectionString;
            }

            await StopAbandonedClustersAsync();
            var directory = Path.Combine(Path.GetTempPath(), "daedalus-tests", $"pg-{Environment.ProcessId}");
            var server = new EmbeddedPostgres(directory, maxConnections: 1000);
            var connectionString = await server.StartAsync(CancellationToken.None);
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                server.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            };
            _adminConnectionString = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" }.ConnectionString;
            return _adminConnectionString;
        }
        finally
        {
            Gate.Release();
        }
    }
}
