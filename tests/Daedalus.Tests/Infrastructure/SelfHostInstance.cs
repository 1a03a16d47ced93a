using Daedalus.Hosting;
using Daedalus.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Daedalus.Tests.Infrastructure;

/// <summary>The real self-host (<see cref="SelfHost"/>) in this process, on a free loopback port.</summary>
public sealed class SelfHostInstance : IAsyncDisposable
{
    private SelfHostInstance(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>Settings for a self-host on a test database, Azurite and a queue of its own.</summary>
    public static async Task<Dictionary<string, string?>> SettingsAsync(string connectionString, string directory, string queueName) => new()
    {
        ["Daedalus:Database:ConnectionString"] = connectionString,
        ["Daedalus:Security:KeyFile"] = Path.Combine(directory, "keys.json"),
        ["Daedalus:Security:SecretFile"] = Path.Combine(directory, "secrets.json"),
        ["Daedalus:Sync:MaxBatchRows"] = "1000",
        ["AzureWebJobsStorage"] = await AzuriteServer.ConnectionStringAsync(),
        ["Daedalus:Queue:Name"] = queueName,
        // Tests share one Azurite: the pull queue is the test's own too.
        ["Daedalus:Queue:PullName"] = queueName + "-pulls",
        ["Daedalus:Queue:RetryDelay"] = "00:00:00",
        ["Daedalus:Queue:VisibilityTimeout"] = "00:00:06",
        ["Daedalus:Queue:MaxPollingInterval"] = "00:00:00.250",
    };

    /// <param name="logs">When given, every Daedalus log entry at Information and above is captured there.</param>
    public static async Task<SelfHostInstance> StartAsync(IDictionary<string, string?> settings, LogCapture? logs = null)
    {
        SharedAzuriteQueues.Require(settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var app = SelfHost.Build(configuration, "http://127.0.0.1:0", logging =>
        {
            logging.SetMinimumLevel(LogLevel.Warning);
            if (logs is not null)
            {
                logging.AddProvider(logs).AddFilter("Daedalus", LogLevel.Information);
            }
        });
        await app.Services.GetRequiredService<Migrator>().MigrateAsync(CancellationToken.None);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SelfHostInstance(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
