using Daedalus.Client;

namespace Daedalus.Api;

/// <summary>The route table: every handler of the API, its method, template and required scope.</summary>
public static class ApiRoutes
{
    private const string P = ApiPaths.Prefix;

    public static readonly IReadOnlyList<ApiRoute> All =
    [
        new("ListSources", "GET", $"{P}/sources", SourcesHandlers.List, ApiScope.Read, "List sources", Response: typeof(ItemList<SourceSpec>)),
        new("GetSource", "GET", $"{P}/sources/{{name}}", SourcesHandlers.Get, ApiScope.Read, "Get a source", Response: typeof(SourceSpec), Problems: [404]),
        new("CreateSource", "POST", $"{P}/sources", SourcesHandlers.Create, ApiScope.Write, "Create a source", 201, typeof(SourceSpec), typeof(SourceSpec), [400, 409, 413, 415, 422]),
        new("ReplaceSource", "PUT", $"{P}/sources/{{name}}", SourcesHandlers.Replace, ApiScope.Write, "Create or replace a source", 200, typeof(SourceSpec), typeof(SourceSpec), [400, 413, 415, 422]),
        new("PatchSource", "PATCH", $"{P}/sources/{{name}}", SourcesHandlers.Patch, ApiScope.Write, "Enable, disable or reschedule a source", 200, typeof(SourcePatch), typeof(SourceSpec), [400, 404, 413, 415, 422]),
        new("DeleteSource", "DELETE", $"{P}/sources/{{name}}", SourcesHandlers.Delete, ApiScope.Write, "Delete a source (its data and history stay)", 204, Problems: [404]),
        new("ListRuns", "GET", $"{P}/sources/{{name}}/runs", RunsHandlers.List, ApiScope.Read, "Sync history of a source, newest first", Response: typeof(ItemList<RunInfo>), Problems: [400, 404]),
        new("GetRun", "GET", $"{P}/sources/{{name}}/runs/{{id}}", RunsHandlers.Get, ApiScope.Read, "One run of a source", Response: typeof(RunInfo), Problems: [404]),
        new("TriggerRun", "POST", $"{P}/sources/{{name}}/runs", RunsHandlers.Trigger, ApiScope.Write, "Pull a source now: the pull request is queued and the run id returned", 202, Response: typeof(RunAccepted), Problems: [404, 409, 503]),
        new("ResetStream", "POST", $"{P}/sources/{{name}}/streams/{{stream}}/reset", StreamsHandlers.Reset, ApiScope.Write, "Forget a stream's cursor: the next pull is a full resync (audited)", Response: typeof(CursorReset), Problems: [404, 409]),
        new("GetNotifications", "GET", $"{P}/notifications", NotificationsHandlers.Get, ApiScope.Read, "The global notification channels (webhook URLs are secret names)", Response: typeof(NotificationSettings)),
        new("ReplaceNotifications", "PUT", $"{P}/notifications", NotificationsHandlers.Replace, ApiScope.Write, "Replace the global notification channels", 200, typeof(NotificationSettings), typeof(NotificationSettings), [400, 413, 415, 422]),
        new("GetStatus", "GET", $"{P}/status", StatusHandler.Get, ApiScope.Anonymous, "Health of dependencies and freshness of sources (503 when a dependency is down)", Response: typeof(StatusReport)),
        new("ListSeries", "GET", $"{P}/timeseries", TimeseriesHandlers.ListSeries, ApiScope.Read, "Metric series (name and labels)", Response: typeof(ItemList<SeriesInfo>), Problems: [400]),
        new("GetSeriesPoints", "GET", $"{P}/timeseries/points", TimeseriesHandlers.Points, ApiScope.Read, "Points of a metric: labels, from, to, step, aggregate", Response: typeof(SeriesPoints), Problems: [400]),
        new("ListPoisonBatches", "GET", $"{P}/batches/poison", PoisonBatchesHandlers.List, ApiScope.Read, "Batches in the poison queue", Response: typeof(ItemList<PoisonBatch>), Problems: [400, 503]),
        new("ReplayPoisonBatches", "POST", $"{P}/batches/poison/replay", PoisonBatchesHandlers.Replay, ApiScope.Write, "Move poison batches back to the queue (one, or all)", Request: typeof(PoisonReplayRequest), Response: typeof(PoisonReplayResult), Problems: [400, 404, 413, 415, 503]),
        new("ListPoisonPulls", "GET", $"{P}/pulls/poison", PoisonPullsHandlers.List, ApiScope.Read, "Pull requests in the pull poison queue (their runs are failed until replayed)", Response: typeof(ItemList<PoisonPull>), Problems: [400, 503]),
        new("ReplayPoisonPulls", "POST", $"{P}/pulls/poison/replay", PoisonPullsHandlers.Replay, ApiScope.Write, "Move poisoned pull requests back to the pull queue (one, or all); each resumes its run", Request: typeof(PoisonReplayRequest), Response: typeof(PoisonReplayResult), Problems: [400, 404, 413, 415, 503]),
        new("GetMetrics", "GET", $"{P}/metrics", MetricsHandler.Scrape, ApiScope.Read, "Prometheus exposition: rows, batches, failures, quarantine, batch duration, queue depth, source lag, runtime and HTTP (OpenMetrics by Accept)", Response: typeof(string), ContentType: "text/plain"),
        new("GetOpenApiDocument", "GET", $"{P}/openapi.json", ApiDocumentationHandler.Serve, ApiScope.Anonymous, "This document", Described: false),
        new("BrowseApiDocs", "GET", $"{P}/docs/{{*path}}", ApiDocumentationHandler.Serve, ApiScope.Anonymous, "The browsable API reference (Scalar) and its assets", Described: false),
    ];
}
