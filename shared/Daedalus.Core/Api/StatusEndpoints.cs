using Daedalus.Application.Status;
using Daedalus.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Daedalus.Api;

/// <summary><c>GET /api/v1/status</c> (anonymous): the report of <see cref="StatusService"/>; 503 when a dependency is down, with the same body.</summary>
public static class StatusEndpoints
{
    public static RouteGroupBuilder MapStatusEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/status").WithTags("Status");
        group.MapGet("", GetAsync).WithName("GetStatus").WithSummary("Health of dependencies and freshness of sources (503 when a dependency is down)")
            .Produces<StatusReport>(StatusCodes.Status503ServiceUnavailable)
            .RequireScope(ApiScope.Anonymous);
        return group;
    }

    public static async Task<Results<Ok<StatusReport>, JsonHttpResult<StatusReport>>> GetAsync(StatusService status, HttpResponse response, CancellationToken cancellationToken)
    {
        var report = await status.GetAsync(cancellationToken);
        response.Headers.CacheControl = "no-store";
        return report.Status == "unhealthy"
            ? TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Ok(report);
    }
}
