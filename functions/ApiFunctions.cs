using Daedalus.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Daedalus.Functions;

/// <summary>The HTTP API (route prefix <c>api</c> in host.json): one trigger per route of <see cref="ApiRoutes"/>, each one call into shared handlers.</summary>
public static class ApiFunctions
{
    [Function("ListSources")]
    public static Task<IResult> ListSources([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/sources")] HttpRequest request) =>
        ApiFunctionCall.RunAsync(request, ApiScope.Read, SourcesHandlers.List);

    [Function("GetSource")]
    public static Task<IResult> GetSource([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/sources/{name}")] HttpRequest request, string name) =>
        ApiFunctionCall.RunAsync(request, ApiScope.Read, (c, ct) => SourcesHandlers.Get(c, name, ct));

    [Function("CreateSource")]
    public static Task<IResult> CreateSource([HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/sources")] HttpRequest request) =>
        ApiFunctionCall.RunAsync(request, ApiScope.Write, SourcesHandlers.Create);

    [Function("ReplaceSource")]
    public static Task<IResult> ReplaceSource([HttpTrigger(AuthorizationLevel.Function, "put", Route = "v1/sources/{name}")] HttpRequest request, string name) =>
        ApiFunctionCall.RunAsync(request, ApiScope.Write, (c, ct) => SourcesHandlers.Replace(c, name, ct));

    [Function("PatchSource")]
    public static Task<IResult> PatchSource([HttpTrigger(AuthorizationLevel.Function, "patch", Route = "v1/sources/{name}")] HttpRequest request, string name) =>
        ApiFunctionCall.RunAsync(request, ApiScope.Write, (c, ct) => SourcesHandlers.Patch(c, name, ct));

    [Function("DeleteSource")]
    public static Task<IResult> DeleteSource([HttpTrigger(AuthorizationLevel.Function, "delete", Route = "v1/sources/{name}")] HttpRequest request, string name) =>
        ApiFunctionCall.RunAsync(request, ApiScope.Write, (c, ct) => SourcesHandlers.Delete(c, name, ct));

    [Function("ListRuns")]
    public static Task<IResult> ListRuns([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/sources/{name}/runs")] HttpRequest request, string name) =>
        ApiFunctionCall.RunAsync(request, ApiScope.Read, (c, ct) => RunsHandlers.List(c, name, ct));

    [Function("GetRun")]
    public static Task<IResult> GetRun([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/sources/{name}/runs/{id}")] HttpRequest request, string name, string id) =>
        ApiFunctionCall.RunAsync(request, ApiScope.Read, (c, ct) => RunsHandlers.Get(c, name, id, ct));

    [Function("TriggerRun")]
    public static Task<IResult> TriggerRun([HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/sources/{name}/runs")] HttpRequest request, string name) =>
        ApiFunctionCall.RunAsync(request, ApiScope.Write, (c, ct) => RunsHandlers.Trigger(c, name, ct));

    [Function("ResetStream")]
    public static Task<IResult> ResetStream([HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/sources/{name}/streams/{stream}/reset")] HttpRequest request, string name, string stream) =>
        ApiFunctionCall.RunAsync(request, ApiScope.Write, (c, ct) => StreamsHandlers.Reset(c, name, stream, ct));

    [Function("GetNotifications")]
    public static Task<IResult> GetNotifications([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/notifications")] HttpRequest request) =>
        ApiFunctionCall.RunAsync(request, ApiScope.Read, NotificationsHandlers.Get);

    [Function("ReplaceNotifications")]
    public static Task<IResult> ReplaceNotifications([HttpTrigger(AuthorizationLevel.Function, "put", Route = "v1/notifications")] HttpRequest request) =>
        ApiFunctionCall.RunAsync(request, ApiScope.Write, NotificationsHandlers.Replace);

    [Function("GetStatus")]
    public static Task<IResult> GetStatus([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/status")] HttpRequest request) =>
        ApiFunctionCall.RunAsync(request, ApiScope.Anonymous, StatusHandler.Get);

    [Function("ListSeries")]
    public static Task<IResult> ListSeries([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/timeseries")] HttpRequest request) =>
        ApiFunctionCall.RunAsync(request, ApiScope.Read, TimeseriesHandlers.ListSeries);

    [Function("GetSeriesPoints")]
    public static Task<IResult> GetSeriesPoints([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/timeseries/points")] HttpRequest request) =>
        ApiFunctionCall.RunAsync(request, ApiScope.Read, TimeseriesHandlers.Points);

    [Function("ListPoisonBatches")]
    public static Task<IResult> ListPoisonBatches([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/batches/poison")] HttpRequest request) =>
        ApiFunctionCall.RunAsync(request, ApiScope.Read, PoisonBatchesHandlers.List);

    [Function("ReplayPoisonBatches")]
    public static Task<IResult> ReplayPoisonBatches([HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/batches/poison/replay")] HttpRequest request) =>
        ApiFunctionCall.RunAsync(request, ApiScope.Write, PoisonBatchesHandlers.Replay);

    [Function("ListPoisonPulls")]
    public static Task<IResult> ListPoisonPulls([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/pulls/poison")] HttpRequest request) =>
        ApiFunctionCall.RunAsync(request, ApiScope.Read, PoisonPullsHandlers.List);

    [Function("ReplayPoisonPulls")]
    public static Task<IResult> ReplayPoisonPulls([HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/pulls/poison/replay")] HttpRequest request) =>
        ApiFunctionCall.RunAsync(request, ApiScope.Write, PoisonPullsHandlers.Replay);

    [Function("GetMetrics")]
    public static Task<IResult> GetMetrics([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/metrics")] HttpRequest request) =>
        ApiFunctionCall.RunAsync(request, ApiScope.Read, MetricsHandler.Scrape);

    [Function("GetOpenApiDocument")]
    public static Task<IResult> GetOpenApiDocument([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/openapi.json")] HttpRequest request) =>
        ApiFunctionCall.RunAsync(request, ApiScope.Anonymous, ApiDocumentationHandler.Serve);

    [Function("BrowseApiDocs")]
    public static Task<IResult> BrowseApiDocs([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/docs/{*path}")] HttpRequest request) =>
        ApiFunctionCall.RunAsync(request, ApiScope.Anonymous, ApiDocumentationHandler.Serve);
}
