using Microsoft.Extensions.Logging;

namespace Daedalus.Storage;

/// <summary>Picks the database: the configured connection string, or the embedded local cluster (started or reused).</summary>
public static class DatabaseConnection
{
    public static async Task<string> ResolveAsync(DatabaseOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return options.ConnectionString;
        }

        var embedded = new EmbeddedPostgres(options.DataDirectory);
        var connectionString = await embedded.StartAsync(cancellationToken);
        logger.LogInformation("Using the embedded PostgreSQL cluster in {Directory} ({ConnectionString}); log: {Log}", embedded.DataDirectory, connectionString, embedded.LogFile);
        return connectionString;
    }
}
