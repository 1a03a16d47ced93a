using Daedalus.Hosting;
using Daedalus.Storage;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Daedalus.Tests.Infrastructure;

/// <summary>The real core services on a fresh, migrated database, with keys and secrets in a temp directory.</summary>
public sealed class CoreServices : IAsyncDisposable
{
    private CoreServices(ServiceProvider provider, string connectionString, string directory)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Directory = directory;
    }

    public ServiceProvider Provider { get; }

    public string ConnectionString { get; }

    public string Directory { get; }

    public T Get<T>()
        where T : notnull => Provider.GetRequiredService<T>();

    /// <summary>The first column of the first row of <paramref name="sql"/>, on the test database.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        return (await connection.ExecuteScalarAsync<T>(sql))!;
    }

    /// <summary>The first column of every row of <paramref name="sql"/> (a text column), on the test database.</summary>
    public async Task<List<string>> TextRowsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        return [.. await connection.QueryAsync<string>(sql)];
    }

    public static async Task<CoreServices> StartAsync(string prefix, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync(prefix);
        var directory = Path.Combine(Path.GetTempPath(), "daedalus-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var values = new Dictionary<string, string?>
        {
            ["Daedalus:Database:ConnectionString"] = connectionString,
            ["Daedalus:Security:KeyFile"] = Path.Combine(directory, "keys.json"),
            ["Daedalus:Security:SecretFile"] = Path.Combine(directory, "secrets.json"),
            ["Daedalus:Sync:MaxBatchRows"] = "1000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        SharedAzuriteQueues.Require(values);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddDaedalusCore(configuration);
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<Migrator>().MigrateAsync(CancellationToken.None);
        return new CoreServices(provider, connectionString, directory);
    }

    public async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
