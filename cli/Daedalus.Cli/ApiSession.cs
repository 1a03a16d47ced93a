using System.CommandLine;
using Daedalus.Api;
using Daedalus.Application;
using Daedalus.Cli.Commands;
using Daedalus.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Cli;

/// <summary>
/// What a management command talks to: a remote server (<c>--api-url</c>) through <see cref="DaedalusClient"/>, or,
/// without one, the application services in this process over the local database (<see cref="LocalApi"/>; no HTTP
/// server). Either way the command calls <see cref="IDaedalusApi"/>: one code path.
/// </summary>
public sealed class ApiSession : IAsyncDisposable
{
    private readonly ServiceProvider? _local;

    private ApiSession(IDaedalusApi api, ServiceProvider? local)
    {
        Api = api;
        _local = local;
    }

    public IDaedalusApi Api { get; }

    /// <summary>True when the services run in this process (work they start ends with the command).</summary>
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

        var provider = await CliHost.StartAsync(parse.GetValue(CommonOptions.Verbose), cancellationToken, configure: services => services
            .AddDaedalusApplication()
            // No pull worker listens in this one-shot process: a triggered run pulls here, like `daedalus sync`.
            .Configure<ApiOptions>(o => o.InProcessPulls = true));
        return new ApiSession(new LocalApi(provider), provider);
    }

    public async ValueTask DisposeAsync()
    {
        if (_local is not null)
        {
            await _local.DisposeAsync();
        }
    }
}
