using Daedalus.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Daedalus.Functions;

/// <summary>
/// The HTTP API (route prefix <c>api</c> in host.json): one trigger per endpoint of the shared API, each handing its
/// request to <see cref="ApiTriggerDispatcher"/>, which runs that same endpoint (binding, authorization, application
/// service, typed result) as the self-host does. The trigger's authorization level is the endpoint's access: anonymous
/// endpoints are <c>Anonymous</c>, all others need a function key, checked by the Functions host first.
/// </summary>
public sealed class ApiFunctions(ApiTriggerDispatcher api)
{
    [Function("ListSources")]
    public IResult ListSources([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/sources")] HttpRequest request) => api.Dispatch(request);

    [Function("GetSource")]
    public IResult GetSource([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/sources/{name}")] HttpRequest request) => api.Dispatch(request);

    [Function("CreateSource")]
    public IResult CreateSource([HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/sources")] HttpRequest request) => api.Dispatch(request);

    [Function("ReplaceSource")]
    public IResult ReplaceSource([HttpTrigger(AuthorizationLevel.Function, "put", Route = "v1/sources/{name}")] HttpRequest request) => api.Dispatch(request);

    [Function("PatchSource")]
    public IResult PatchSource([HttpTrigger(AuthorizationLevel.Function, "patch", Route = "v1/sources/{name}")] HttpRequest request) => api.Dispatch(request);

    [Function("DeleteSource")]
    public IResult DeleteSource([HttpTrigger(AuthorizationLevel.Function, "delete", Route = "v1/sources/{name}")] HttpRequest request) => api.Dispatch(request);

    [Function("CheckSource")]
    public IResult CheckSource([HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/sources/{name}/check")] HttpRequest request) => api.Dispatch(request);

    [Function("DiscoverSource")]
    public IResult DiscoverSource([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/sources/{name}/discover")] HttpRequest request) => api.Dispatch(request);

    [Function("ListAllRuns")]
    public IResult ListAllRuns([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/runs")] HttpRequest request) => api.Dispatch(request);

    [Function("ListRuns")]
    public IResult ListRuns([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/sources/{name}/runs")] HttpRequest request) => api.Dispatch(request);

    [Function("GetRun")]
    public IResult GetRun([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/sources/{name}/runs/{id}")] HttpRequest request) => api.Dispatch(request);

    [Function("ListRunEvents")]
    public IResult ListRunEvents([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/sources/{name}/runs/{id}/events")] HttpRequest request) => api.Dispatch(request);

    [Function("CancelRun")]
    public IResult CancelRun([HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/sources/{name}/runs/{id}/cancel")] HttpRequest request) => api.Dispatch(request);

    [Function("CancelRunById")]
    public IResult CancelRunById([HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/runs/{id}/cancel")] HttpRequest request) => api.Dispatch(request);

    [Function("TriggerRun")]
    public IResult TriggerRun([HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/sources/{name}/runs")] HttpRequest request) => api.Dispatch(request);

    [Function("ResetStream")]
    public IResult ResetStream([HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/sources/{name}/streams/{stream}/reset")] HttpRequest request) => api.Dispatch(request);

    [Function("GetNotifications")]
    public IResult GetNotifications([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/notifications")] HttpRequest request) => api.Dispatch(request);

    [Function("ReplaceNotifications")]
    public IResult ReplaceNotifications([HttpTrigger(AuthorizationLevel.Function, "put", Route = "v1/notifications")] HttpRequest request) => api.Dispatch(request);

    [Function("GetStatus")]
    public IResult GetStatus([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/status")] HttpRequest request) => api.Dispatch(request);

    [Function("ListSeries")]
    public IResult ListSeries([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/timeseries")] HttpRequest request) => api.Dispatch(request);

    [Function("GetSeriesPoints")]
    public IResult GetSeriesPoints([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/timeseries/points")] HttpRequest request) => api.Dispatch(request);

    [Function("ListPoisonBatches")]
    public IResult ListPoisonBatches([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/batches/poison")] HttpRequest request) => api.Dispatch(request);

    [Function("ReplayPoisonBatches")]
    public IResult ReplayPoisonBatches([HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/batches/poison/replay")] HttpRequest request) => api.Dispatch(request);

    [Function("ListPoisonPulls")]
    public IResult ListPoisonPulls([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/pulls/poison")] HttpRequest request) => api.Dispatch(request);

    [Function("ReplayPoisonPulls")]
    public IResult ReplayPoisonPulls([HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/pulls/poison/replay")] HttpRequest request) => api.Dispatch(request);

    [Function("ListCatalogTables")]
    public IResult ListCatalogTables([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/catalog")] HttpRequest request) => api.Dispatch(request);

    [Function("GetCatalogTable")]
    public IResult GetCatalogTable([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/catalog/{schema}/{table}")] HttpRequest request) => api.Dispatch(request);

    [Function("GetMetrics")]
    public IResult GetMetrics([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/metrics")] HttpRequest request) => api.Dispatch(request);

    [Function("GetOpenApiDocument")]
    public IResult GetOpenApiDocument([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/openapi.json")] HttpRequest request) => api.Dispatch(request);

    [Function("BrowseApiDocs")]
    public IResult BrowseApiDocs([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/docs/{*path}")] HttpRequest request) => api.Dispatch(request);
}
