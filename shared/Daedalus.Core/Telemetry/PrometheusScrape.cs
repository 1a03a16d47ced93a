using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Daedalus.Telemetry;

/// <summary>
/// The OpenTelemetry Prometheus exporter's own scraping middleware, built once over the host's MeterProvider.
/// The Functions worker's ASP.NET Core pipeline is not ours to add middleware to, so both hosts call this from an
/// ordinary route instead: the same exposition (text or OpenMetrics, by Accept) from either.
/// </summary>
public sealed class PrometheusScrape(IServiceProvider services)
{
    private readonly Lazy<RequestDelegate> _pipeline = new(() => new ApplicationBuilder(services)
        .UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider: null, predicate: _ => true, path: null, configureBranchedPipeline: null, optionsName: null)
        .Build());

    public Task WriteAsync(HttpContext context) => _pipeline.Value(context);
}
