using Daedalus.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Daedalus.Api;

/// <summary>GET /api/v1/metrics: Prometheus exposition of the pipeline, runtime and HTTP metrics (OpenMetrics by Accept).</summary>
public static class MetricsEndpoints
{
    public static RouteGroupBuilder MapMetricsEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/metrics").WithTags("Metrics");
        group.MapGet("", Scrape).WithName("GetMetrics")
            .WithSummary("Prometheus exposition: rows, batches, failures, quarantine, batch duration, queue depth, source lag, runtime and HTTP (OpenMetrics by Accept)")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .RequireScope(ApiScope.Read);
        return group;
    }

    /// <summary>The exporter's own middleware writes the answer.</summary>
    public static IResult Scrape(PrometheusScrape scrape) => new RequestDelegateResult(scrape.WriteAsync);
}
