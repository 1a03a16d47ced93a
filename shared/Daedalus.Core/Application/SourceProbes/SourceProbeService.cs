using Daedalus.Application.Sources;
using Daedalus.Client;
using Daedalus.Configuration;
using Daedalus.Security;
using Daedalus.Sources;
using Daedalus.Storage;
using Microsoft.Extensions.Logging;

namespace Daedalus.Application.SourceProbes;

/// <summary>
/// <c>sources check</c> and <c>sources discover</c>: asks the source's plugin (when it implements
/// <see cref="ISourceDiscovery"/>) about each configured stream, with the secrets resolved as a pull resolves them.
/// Nothing is loaded and no run is recorded.
/// </summary>
public sealed class SourceProbeService
{
    private readonly SourceCatalog _catalog;
    private readonly SourcePluginRegistry _plugins;
    private readonly ISecretStore _secrets;
    private readonly IHttpClientFactory _http;
    private readonly TimeProvider _clock;
    private readonly ILoggerFactory _loggers;

    public SourceProbeService(SourceCatalog catalog, SourcePluginRegistry plugins, ISecretStore secrets, IHttpClientFactory http, TimeProvider clock, ILoggerFactory loggers)
    {
        _catalog = catalog;
        _plugins = plugins;
        _secrets = secrets;
        _http = http;
        _clock = clock;
        _loggers = loggers;
    }

    /// <summary>Reaches each stream with the configured credentials. NotFound for an unknown source; Invalid when the plugin cannot check.</summary>
    public async Task<ServiceResult<SourceCheckReport>> CheckAsync(string name, CancellationToken cancellationToken)
    {
        var (source, discovery, context, error) = await OpenAsync(name, "Checking", cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var streams = new List<StreamCheckResult>();
        foreach (var stream in source!.Streams)
        {
            var check = await discovery!.CheckAsync(context!, stream, cancellationToken);
            streams.Add(new StreamCheckResult(stream.Name, check.Ok, context!.Redactor.Redact(check.Message)));
        }

        return new SourceCheckReport(source.Name, source.Plugin, streams.All(s => s.Ok), streams);
    }

    /// <summary>
    /// The schema of each configured stream as the source offers it now. NotFound for an unknown source; Invalid when
    /// the plugin cannot discover; Unavailable when the source refuses (the message names the stream, never a secret).
    /// </summary>
    public async Task<ServiceResult<SourceDiscoveryReport>> DiscoverAsync(string name, CancellationToken cancellationToken)
    {
        var (source, discovery, context, error) = await OpenAsync(name, "Discovery", cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var streams = new List<DiscoveredStreamInfo>();
        foreach (var stream in source!.Streams)
        {
            DiscoveredStream discovered;
            try
            {
                discovered = await discovery!.DiscoverAsync(context!, stream, cancellationToken);
            }
            catch (SourceException ex)
            {
                return ServiceError.Unavailable("Discovery failed", $"stream '{stream.Name}': {context!.Redactor.Redact(ex.Message)}");
            }

            streams.Add(new DiscoveredStreamInfo(
                stream.Name,
                discovered.Schema.Columns.Select(c => new DiscoveredColumn(c.Name, c.Type.ToString().ToLowerInvariant())).ToList(),
                discovered.Schema.PrimaryKey,
                discovered.Schema.CursorField,
                discovered.Settings));
        }

        return new SourceDiscoveryReport(source.Name, source.Plugin, streams);
    }

    private async Task<(SourceDefinition? Source, ISourceDiscovery? Discovery, SourceContext? Context, ServiceError? Error)> OpenAsync(string name, string what, CancellationToken cancellationToken)
    {
        var source = await _catalog.GetAsync(name, cancellationToken);
        if (source is null)
        {
            return (null, null, null, SourceService.NotFound(name));
        }

        var plugin = _plugins.Get(source.Plugin);
        if (plugin is not ISourceDiscovery discovery)
        {
            return (null, null, null, ServiceError.Invalid("plugin", $"not supported by plugin '{source.Plugin}'", $"{what} is not supported by plugin '{source.Plugin}'."));
        }

        // As SyncRunner builds it for a pull: the secret store resolves the source's secrets, the redactor masks them in messages.
        var context = new SourceContext(source, _secrets, _http.CreateClient(plugin.Name), _clock, _loggers.CreateLogger("Daedalus.Sources." + plugin.Name)) { Redactor = new SecretRedactor() };
        return (source, discovery, context, null);
    }
}
