using System.CommandLine;
using Daedalus.Configuration;
using Daedalus.Hosting;
using Daedalus.Queues;
using Daedalus.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Daedalus.Cli.Commands;

/// <summary>
/// <c>daedalus serve</c>: the self-host (API + scheduler + pull worker + batch queue worker) in this process until
/// stopped. Storage defaults like the database does: with none configured, the project's Azurite is started (or
/// reused) under <c>.daedalus/azurite</c> and stopped with serve. A configuration error is one line and exit code 2.
/// </summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where the HTTP API listens (semicolon-separated)", DefaultValueFactory = _ => SelfHost.DefaultUrls };
        var command = new Command("serve", "Run the API, the scheduler (sources' own schedules), the pull worker and the queue worker in this process") { urls };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var verbose = parse.GetValue(CommonOptions.Verbose);
            EmbeddedAzurite? azurite = null;
            try
            {
                var configuration = await CliHost.ResolveAsync(verbose, cancellationToken);
                var queue = configuration.GetSection("Daedalus:Queue").Get<QueueOptions>() ?? new QueueOptions();
                if (StorageClients.IsConfigured(configuration, queue.Connection))
                {
                    // A configured storage is used as is; an unusable setting is reported now, before anything starts.
                    _ = StorageClients.FromConfiguration(configuration, queue.Connection);
                }
                else
                {
                    azurite = await EmbeddedAzurite.StartAsync(queue.EmbeddedDirectory, cancellationToken);
                    // Say where the queues are: stderr, like the embedded database's line.
                    await Console.Error.WriteLineAsync($"daedalus: embedded Azurite in {azurite.Directory} on 127.0.0.1:{azurite.QueuePort} (queues) and :{azurite.BlobPort} (blobs), {(azurite.Started ? "started; stopped with serve" : "already running; reused")} (set {queue.Connection} to use another storage)");
                    configuration = new ConfigurationBuilder()
                        .AddConfiguration(configuration)
                        .AddInMemoryCollection([new(queue.Connection, azurite.ConnectionString)])
                        .Build();
                }

                await using var app = SelfHost.Build(configuration, parse.GetValue(urls)!, logging => logging
                    .AddSimpleConsole(o => o.SingleLine = true)
                    .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning)
                    // The pipeline (each pull, batch and load, with its counts) at the default level; -v adds the rest.
                    .AddFilter("Daedalus", verbose ? LogLevel.Debug : LogLevel.Information)
                    .AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information)
                    // "Hosting failed to start" with a stack trace: serve prints a configuration error as one line itself.
                    .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical)
                    .AddFilter("System.Net.Http", LogLevel.Warning)
                    .AddFilter("Azure", LogLevel.Warning));
                var database = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
                if (database.MigrateOnStart)
                {
                    await app.Services.GetRequiredService<Migrator>().MigrateAsync(cancellationToken);
                }

                await app.StartAsync(cancellationToken);
                await app.WaitForShutdownAsync(cancellationToken);
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (ConfigurationError(ex) is { } message)
            {
                await Console.Error.WriteLineAsync($"daedalus serve: {message}");
                return ExitCodes.InvalidInput;
            }
            finally
            {
                if (azurite is not null)
                {
                    await azurite.DisposeAsync();
                }
            }
        });
        return command;
    }

    /// <summary>The one line to print for a configuration error (settings that fail validation, unusable storage or database settings); null for anything else.</summary>
    private static string? ConfigurationError(Exception ex) => ex switch
    {
        OptionsValidationException options => string.Join("; ", options.Failures),
        StorageConnectionException storage => storage.Message,
        ConfigException config => config.Message,
        AggregateException aggregate when aggregate.InnerExceptions.Count == 1 => ConfigurationError(aggregate.InnerExceptions[0]),
        _ => null,
    };
}
