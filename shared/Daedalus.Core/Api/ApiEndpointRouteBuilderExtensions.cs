using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Daedalus.Api;

/// <summary>Maps the API for the self-host: the route table as minimal APIs (metrics, OpenAPI and its UI included).</summary>
public static class ApiEndpointRouteBuilderExtensions
{
    public static IEndpointRouteBuilder MapDaedalusApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapApiRoutes(ApiRoutes.All);
        return endpoints;
    }

    /// <summary>Routes of the table as minimal APIs, with the metadata the OpenAPI document is made of.</summary>
    internal static void MapApiRoutes(this IEndpointRouteBuilder endpoints, IEnumerable<ApiRoute> routes)
    {
        var group = endpoints.MapGroup("").WithTags("Daedalus");
        foreach (var route in routes)
        {
            var builder = group.MapMethods(route.Template, [route.Method], route.Handler)
                .WithName(route.Name)
                .WithSummary(route.Summary)
                .WithMetadata(route);
            if (!route.Described)
            {
                builder.ExcludeFromDescription();
            }

            if (route.Request is not null)
            {
                builder.Accepts(route.Request, "application/json");
            }

            builder.Produces(route.SuccessStatus, route.Response, route.ContentType ?? (route.Response is null ? null : "application/json"));
            foreach (var status in route.Problems ?? [])
            {
                builder.ProducesProblem(status);
            }

            if (route.Scope != ApiScope.Anonymous)
            {
                builder.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
                builder.AddEndpointFilter(new ApiAuthorizationFilter(route.Scope));
            }
        }
    }

    /// <summary>
    /// problem+json for unhandled exceptions (no internals; client faults such as a malformed chunked body keep their
    /// 4xx, see <see cref="ApiExceptionHandler"/>), for bodiless error answers such as unknown routes, and a 400 for
    /// query or route text PostgreSQL cannot store.
    /// </summary>
    public static IApplicationBuilder UseDaedalusProblemDetails(this IApplicationBuilder app) =>
        app.UseExceptionHandler().UseStatusCodePages().Use(ApiRequestTextCheck.InvokeAsync);
}
