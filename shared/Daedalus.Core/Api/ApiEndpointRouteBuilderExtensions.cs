using Daedalus.Client;
using Daedalus.WebConsole;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Daedalus.Api;

/// <summary>
/// Maps the API: one route group per resource under <c>/api/v1</c>, each endpoint a thin call into an application
/// service. The self-host maps it on its WebApplication; the Functions app maps it into <see cref="ApiTriggerDispatcher"/>.
/// </summary>
public static class ApiEndpointRouteBuilderExtensions
{
    public static IEndpointRouteBuilder MapDaedalusApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(ApiPaths.Prefix);
        api.MapSourcesEndpoints();
        api.MapRunsEndpoints();
        api.MapStreamsEndpoints();
        api.MapNotificationsEndpoints();
        api.MapStatusEndpoints();
        api.MapTimeSeriesEndpoints();
        api.MapPoisonEndpoints();
        api.MapCatalogEndpoints();
        api.MapMetricsEndpoints();
        // The document and its UI take absolute paths: mapped at the root, not in the /api/v1 group.
        endpoints.MapApiDocumentation();
        endpoints.MapDaedalusConsole();
        return endpoints;
    }

    /// <summary>
    /// The scope the endpoint requires: metadata for OpenAPI and the hosts' parity check, the authorization filter
    /// that answers 401/403 before the handler runs, and then the query check (<see cref="ApiQueryFilter"/>): every
    /// endpoint declares its scope, so every endpoint gets both, in that order.
    /// </summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, ApiScope scope)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new ApiAccess(scope));
        if (scope != ApiScope.Anonymous)
        {
            builder.AddEndpointFilter(new ApiAuthorizationFilter(scope));
        }

        builder.AddEndpointFilter(ApiQueryFilter.Instance);
        return builder;
    }

    /// <summary>
    /// problem+json for unhandled exceptions (no internals; client faults such as a malformed chunked body keep their
    /// 4xx, see <see cref="ApiExceptionHandler"/>), for bodiless error answers such as unknown routes, and a 400 for
    /// query or route text PostgreSQL cannot store.
    /// </summary>
    public static IApplicationBuilder UseDaedalusProblemDetails(this IApplicationBuilder app) =>
        app.UseExceptionHandler().UseStatusCodePages().Use(ApiRequestTextCheck.InvokeAsync);
}
