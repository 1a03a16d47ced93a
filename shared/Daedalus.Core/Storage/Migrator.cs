using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Daedalus.Storage;

/// <summary>Applies the embedded, numbered SQL migrations once each, under an advisory lock so instances don't race.</summary>
public sealed class Migrator
{
    private const long LockKey = 0x0DAEDA1057;
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<Migrator> _logger;

    public Migrator(NpgsqlDataSource dataSource, ILogger<Migrator> logger)
    {
        _dataSource = dataSource;
        _logger = logger;
    }

    public static IReadOnlyList<(int Version, string Name, string Sql)> Migrations()
    {
        var assembly = typeof(Migrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("Daedalus.Migrations.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var name = n["Daedalus.Migrations.".Length..^4];
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return (int.Parse(name[..4], System.Globalization.CultureInfo.InvariantCulture), name, reader.ReadToEnd());
            })
            .OrderBy(m => m.Item1)
            .ToList();
    }

    /// <summary>Applies what is missing; returns the names applied.</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = LockKey }, cancellationToken: cancellationToken));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                CREATE TABLE IF NOT EXISTS public.daedalus_schema_migrations (
                    version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """,
                cancellationToken: cancellationToken));
            var applied = (await connection.QueryAsync<(int Version, string Checksum)>(new CommandDefinition(
                "SELECT version, checksum FROM public.daedalus_schema_migrations", cancellationToken: cancellationToken)))
                .ToDictionary(r => r.Version, r => r.Checksum);
            var done = new List<string>();
            foreach (var (version, name, sql) in Migrations())
            {
                var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
                if (applied.TryGetValue(version, out var existing))
                {
                    if (existing != checksum)
                    {
                        _logger.LogWarning("Migration {Migration} changed after it was applied; it is not re-run", name);
                    }

                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO public.daedalus_schema_migrations (version, name, checksum) VALUES (@version, @name, @checksum)",
                    new { version, name, checksum },
                    transaction,
                    cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
                _logger.LogInformation("Applied migration {Migration}", name);
                done.Add(name);
            }

            return done;
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@key)", new { key = LockKey }, cancellationToken: CancellationToken.None));
        }
    }
}
