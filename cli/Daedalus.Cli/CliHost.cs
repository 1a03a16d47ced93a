using Daedalus.Hosting;
using Daedalus.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Daedalus.Cli;

/// <summary>
/// Builds the shared core for one CLI command: configuration from <c>appsettings.json</c> and
/// <c>Daedalus__*</c> environment variables, the database (configured or embedded), migrations.
/// </summary>
public static class CliHost
{
    public static IConfiguration Configuration(IEnumerable<KeyValuePair<string, string?>>? overrides = null) =>
        new ConfigurationBuilder()
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides ?? [])
            .Build();

    /// <summary>Settings with the database resolved (the configured connection, or the embedded cluster started now).</summary>
    public static async Task<IConfiguration> ResolveAsync(bool verbose, CancellationToken cancellationToken, IEnumerable<KeyValuePair<string, string?>>? overrides = null)
    {
        var configuration = Configuration(overrides);
        using var bootstrapLogging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning));
        var database = configuration.GetSection("Daedalus:Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = await DatabaseConnection.ResolveAsync(database, bootstrapLogging.CreateLogger("Daedalus.Database"), cancellationToken);
        if (string.IsNullOrWhiteSpace(database.ConnectionString))
        {
            // Say where the data is: stderr, so --json output on stdout stays clean.
            var port = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Port;
            await Console.Error.WriteLineAsync($"daedalus: embedded PostgreSQL in {Path.GetFullPath(database.DataDirectory)} on 127.0.0.1:{port} (set Daedalus__Database__ConnectionString to use another)");
        }

        return new ConfigurationBuilder()
            .AddConfiguration(configuration)
            .AddInMemoryCollection([new("Daedalus:Database:ConnectionString", connectionString)])
            .Build();
    }

    public static async Task<ServiceProvider> StartAsync(bool verbose, CancellationToken cancellationToken, bool migrate = true, IEnumerable<KeyValuePair<string, string?>>? overrides = null, Action<IServiceCollection>? configure = null)
    {
        var resolved = await ResolveAsync(verbose, cancellationToken, overrides);
        var database = resolved.GetSection("Daedalus:Database").Get<DatabaseOptions>() ?? new DatabaseOptions();

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(resolved);
        services.AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning)
            .AddFilter("System.Net.Http", LogLevel.Warning));
        services.AddDaedalusCore(resolved);
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        // Options are validated on start, as a host would.
        _ = provider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (migrate && database.MigrateOnStart)
        {
            await provider.GetRequiredService<Migrator>().MigrateAsync(cancellationToken);
        }

        return provider;
    }
}
