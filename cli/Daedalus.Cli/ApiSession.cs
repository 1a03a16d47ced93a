using System.CommandLine;
using System.Security.Cryptography;
using Daedalus.Api;
using Daedalus.Cli.Commands;
using Daedalus.Client;
using Daedalus.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Daedalus.Cli;

/// <summary>
/// The API a command talks to: a remote server (<c>--api-url</c>), or the same API hosted in this process on a
/// loopback port for the command's duration, over the local database, guarded by a one-off session key.
/// Either way the command goes through <see cref="DaedalusClient"/>: one code path.
/// </summary>
public sealed class ApiSession : IAsyncDisposable
{
    private readonly WebApplication? _local;

    private ApiSession(DaedalusClient client, WebApplication? local)
    {
        Client = client;
        _local = local;
    }

    public DaedalusClient Client { get; }

    /// <summary>True when the API runs in this process (work it starts ends with the command).</summary>
    public bool IsLocal => _local is not null;

    public static async Task<ApiSession> OpenAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var url = parse.GetValue(CommonOptions.ApiUrl) ?? Environment.GetEnvironmentVariable("DAEDALUS_API_URL");
        if (!string.IsNullOrWhiteSpace(url))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
            {
                throw new ArgumentException($"--api-url '{url}' is not an http(s) URL");
            }

            var key = parse.GetValue(CommonOptions.ApiKey) ?? Environment.GetEnvironmentVariable("DAEDALUS_API_KEY");
            var functionKey = parse.GetValue(CommonOptions.FunctionKey) ?? Environment.GetEnvironmentVariable("DAEDALUS_FUNCTION_KEY");
            if (string.IsNullOrEmpty(functionKey))
            {
                return new ApiSession(DaedalusClient.Create(baseAddress, key), null);
            }

            if (!string.IsNullOrEmpty(key))
            {
                throw new ArgumentException("Give an API key (--api-key, DAEDALUS_API_KEY) for `daedalus serve` or a function key (--function-key, DAEDALUS_FUNCTION_KEY) for an Azure Function App, not both");
            }

            return new ApiSession(DaedalusClient.CreateForFunctionApp(baseAddress, functionKey), null);
        }

        var verbose = parse.GetValue(CommonOptions.Verbose);
        var configuration = CliHost.Configuration();
        using var bootstrapLogging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning));
        var database = configuration.GetSection("Daedalus:Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = await DatabaseConnection.ResolveAsync(database, bootstrapLogging.CreateLogger("Daedalus.Database"), cancellationToken);
        var sessionKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var resolved = new ConfigurationBuilder()
            .AddConfiguration(configuration)
            .AddInMemoryCollection(
            [
                new("Daedalus:Database:ConnectionString", connectionString),
                new("Daedalus:Api:Auth", ApiOptions.ApiKeyAuth),
                new("Daedalus:Api:SessionKeySha256", Convert.ToHexStringLower(Security.ApiKeyStore.Hash(sessionKey))),
                // No pull worker listens in this one-shot process: a triggered run pulls here, like `daedalus sync`.
                new("Daedalus:Api:InProcessPulls", "true"),
            ])
            .Build();
        var app = ApiWebApplication.Build(resolved, "http://127.0.0.1:0", logging => logging
            .AddSimpleConsole(o => o.SingleLine = true)
            .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning)
            .AddFilter("Microsoft.AspNetCore", verbose ? LogLevel.Information : LogLevel.Error));
        if (database.MigrateOnStart)
        {
            await app.Services.GetRequiredService<Migrator>().MigrateAsync(cancellationToken);
        }

        await app.StartAsync(cancellationToken);
        return new ApiSession(DaedalusClient.Create(ApiWebApplication.Address(app), sessionKey, Timeout.InfiniteTimeSpan), app);
    }

    public async ValueTask DisposeAsync()
    {
        if (_local is not null)
        {
            await _local.StopAsync(CancellationToken.None);
            await _local.DisposeAsync();
        }
    }
}
