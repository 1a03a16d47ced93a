using Daedalus.Client;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Api;

/// <summary>
/// <c>GET /api/v1/status</c> (anonymous): 503 when a dependency is down; 200 otherwise, "degraded" when an
/// enabled source is stale or its last run failed, or while batches wait in the poison queue or were lost by storage
/// (the "batches" check). Dependency checks live in <see cref="DependencyChecks"/>.
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
        IReadOnlyList<SourceRetirement> retirements = [];
        if (checks.All(c => c.Name != "postgresql" || c.Status == DependencyChecks.Healthy))
        {
            sources = await services.GetRequiredService<SourceFreshnessReader>().ReadAsync(cancellationToken);
            anomalies = await services.GetRequiredService<Anomalies.RunAnomalyStore>().CurrentAsync(cancellationToken);
            retirements = await services.GetRequiredService<Scheduling.SourceRetirementReader>().ReadAsync(cancellationToken);
        }

        if (sources.Count > 0 || checks.All(c => c.Name != "postgresql" || c.Status == DependencyChecks.Healthy))
        {
            checks = [.. checks, await BatchesAsync(services, checks, cancellationToken)];
        }

        var unhealthy = checks.Any(c => c.Status == DependencyChecks.Unhealthy);
        var degraded = checks.Any(c => c.Status == Degraded)
            || sources.Any(s => s.Enabled && (s.State == SourceFreshnessReader.Stale || s.LastRunStatus == Storage.RunStore.Failed));
        var status = unhealthy ? "unhealthy" : degraded ? "degraded" : "healthy";
        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(
            new StatusReport(status, clock.GetUtcNow(), checks, sources, anomalies, retirements),
            DaedalusJson.Options,
            statusCode: unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }

    /// <summary>A check's status when it works but needs an operator: batches poisoned or lost.</summary>
    public const string Degraded = "degraded";

    /// <summary>
    /// Batches that did not load: poison queue depth (what a replay would retry) and the ledger of sends (poisoned,
    /// lost by storage, still queued). Degraded while any is poisoned or was lost in the last day.
    /// </summary>
    private static async Task<DependencyStatus> BatchesAsync(IServiceProvider services, IReadOnlyList<DependencyStatus> checks, CancellationToken cancellationToken)
    {
        var (queued, poisoned, lost) = await services.GetRequiredService<Storage.EnqueuedBatchStore>().CountsAsync(cancellationToken);
        var poisonQueue = 0;
        if (services.GetService<Queues.IBatchQueue>() is { } queue && checks.Any(c => c.Name == "queue" && c.Status == DependencyChecks.Healthy))
        {
            try
            {
                poisonQueue = (await queue.GetDepthAsync(cancellationToken)).Poison;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                poisonQueue = 0;
            }
        }

        var detail = $"{queued} queued, {Math.Max(poisoned, poisonQueue)} in the poison queue (not loaded), {lost} lost by storage in the last day (re-pulled)";
        return new DependencyStatus("batches", poisoned > 0 || poisonQueue > 0 || lost > 0 ? Degraded : DependencyChecks.Healthy, 0, detail);
    }
}
