using Daedalus.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Api;

/// <summary>GET /api/v1/metrics: Prometheus exposition of the pipeline, runtime and HTTP metrics.</summary>
public static class MetricsHandler
{
    public static Task<IResult> Scrape(HttpContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IResult>(new RequestDelegateResult(context.RequestServices.GetRequiredService<PrometheusScrape>().WriteAsync));
    }
}
