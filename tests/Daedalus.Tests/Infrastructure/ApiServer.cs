using System.Net.Http.Headers;
using Daedalus.Client;
using Daedalus.Hosting;
using Daedalus.Security;
using Daedalus.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Daedalus.Tests.Infrastructure;

/// <summary>
/// The API on Kestrel at 127.0.0.1 (free port) over the real core on a fresh, migrated database, with a read key
/// and a write key created the way <c>daedalus keys create</c> does.
/// </summary>
public sealed class ApiServer : IAsyncDisposable
{
    private readonly string _directory;

    private ApiServer(WebApplication app, string connectionString, string directory, string readKey, string writeKey)
    {
        App = app;
        ConnectionString = connectionString;
        _directory = directory;
        ReadKey = readKey;
        WriteKey = writeKey;
        Address = SelfHost.Address(app);
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public string ConnectionString { get; }

    public string ReadKey { get; }

    public string WriteKey { get; }

    public T Get<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    /// <param name="connectionString">A database to use instead of a fresh one (e.g. an unreachable one).</param>
    /// <param name="logs">When given, every log entry (any category, Debug and above) is captured there.</param>
    public static async Task<ApiServer> StartAsync(string prefix, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, string? connectionString = null, LogCapture? logs = null)
    {
        var migrate = connectionString is null;
        connectionString ??= await PostgresServer.CreateDatabaseAsync(prefix);
        var directory = Path.Combine(Path.GetTempPath(), "daedalus-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var values = new Dictionary<string, string?>
        {
            ["Daedalus:Database:ConnectionString"] = connectionString,
            ["Daedalus:Security:KeyFile"] = Path.Combine(directory, "keys.json"),
            ["Daedalus:Security:SecretFile"] = Path.Combine(directory, "secrets.json"),
            ["Daedalus:Sync:MaxBatchRows"] = "1000",
            ["Daedalus:Api:KeyCacheSeconds"] = "0",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        SharedAzuriteQueues.Require(values);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var app = SelfHost.Build(configuration, "http://127.0.0.1:0", logging: l =>
        {
            l.AddSimpleConsole().SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Error);
            if (logs is not null)
            {
                l.AddProvider(logs).AddFilter<LogCapture>(null, Microsoft.Extensions.Logging.LogLevel.Debug);
            }
        }, workers: false, services: services);
        string readKey = "", writeKey = "";
        if (migrate)
        {
            await app.Services.GetRequiredService<Migrator>().MigrateAsync(CancellationToken.None);
            var keys = app.Services.GetRequiredService<ApiKeyStore>();
            readKey = (await keys.CreateAsync("test-read", [ApiKeyStore.ReadScope], CancellationToken.None)).Key;
            writeKey = (await keys.CreateAsync("test-write", [ApiKeyStore.ReadScope, ApiKeyStore.WriteScope], CancellationToken.None)).Key;
        }

        await app.StartAsync();
        return new ApiServer(app, connectionString, directory, readKey, writeKey);
    }

    public HttpClient Http(string? key)
    {
        var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return http;
    }

    public DaedalusClient Client(string? key) => new(Http(key));

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
