using Daedalus.Client;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Api;

/// <summary>
/// <c>GET /api/v1/status</c> (anonymous): 503 when a dependency is down; 200 otherwise, "degraded" when an
/// enabled source is stale or its last run failed. Dependency checks live in <see cref="DependencyChecks"/>.
/// </summary>
public static class StatusHandler
{
    public static async Task<IResult> Get(HttpContext context, CancellationToken cancellationToken)
    {
        var services = context.RequestServices;
        var clock = services.GetRequiredService<TimeProvider>();
        var checks = await services.GetRequiredService<DependencyChecks>().RunAsync(cancellationToken);
        IReadOnlyList<SourceFreshness> sources = [];
        IReadOnlyList<RunAnomaly> anomalies = [];
        if (checks.All(c => c.Name != "postgresql" || c.Status == DependencyChecks.Healthy))
        {
            sources = await services.GetRequiredService<SourceFreshnessReader>().ReadAsync(cancellationToken);
            anomalies = await services.GetRequiredService<Anomalies.RunAnomalyStore>().CurrentAsync(cancellationToken);
        }

        var unhealthy = checks.Any(c => c.Status == DependencyChecks.Unhealthy);
        var degraded = sources.Any(s => s.Enabled && (s.State == SourceFreshnessReader.Stale || s.LastRunStatus == Storage.RunStore.Failed));
        var status = unhealthy ? "unhealthy" : degraded ? "degraded" : "healthy";
        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(
            new StatusReport(status, clock.GetUtcNow(), checks, sources, anomalies),
            DaedalusJson.Options,
            statusCode: unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }
}
