using Daedalus.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Scalar.AspNetCore;

namespace Daedalus.Api;

/// <summary>Maps the API for the self-host: the route table as minimal APIs, Prometheus metrics, OpenAPI and its UI.</summary>
public static class ApiEndpointRouteBuilderExtensions
{
    public static IEndpointRouteBuilder MapDaedalusApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("").WithTags("Daedalus");
        foreach (var route in ApiRoutes.All)
        {
            var builder = group.MapMethods(route.Template, [route.Method], route.Handler)
                .WithName(route.Name)
                .WithSummary(route.Summary);
            if (route.Request is not null)
            {
                builder.Accepts(route.Request, "application/json");
            }

            builder.Produces(route.SuccessStatus, route.Response, route.Response is null ? null : "application/json");
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

        // The exporter's endpoint is not a route handler, so endpoint filters don't apply: wrap its delegate instead.
        endpoints.MapPrometheusScrapingEndpoint(ApiPaths.Metrics).Add(endpoint =>
        {
            var inner = endpoint.RequestDelegate!;
            endpoint.RequestDelegate = async context =>
            {
                if (await ApiAuthorization.CheckAsync(context, ApiScope.Read, context.RequestAborted) is { } denied)
                {
                    await denied.ExecuteAsync(context);
                    return;
                }

                await inner(context);
            };
        });
        endpoints.MapOpenApi(ApiPaths.Prefix.Replace("v1", "{documentName}", StringComparison.Ordinal) + "/openapi.json");
        endpoints.MapScalarApiReference(ApiPaths.Prefix + "/docs", options => options
            .WithTitle("Daedalus API")
            .WithOpenApiRoutePattern(ApiPaths.OpenApi));
        return endpoints;
    }

    /// <summary>problem+json for unhandled exceptions (no internals) and for bodiless error answers such as unknown routes.</summary>
    public static IApplicationBuilder UseDaedalusProblemDetails(this IApplicationBuilder app) =>
        app.UseExceptionHandler().UseStatusCodePages();
}
