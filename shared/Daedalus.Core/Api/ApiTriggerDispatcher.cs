using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;

namespace Daedalus.Api;

/// <summary>
/// Runs the API's endpoints under Azure Functions HTTP triggers, whose worker has no endpoint routing of its own: the
/// endpoints of <see cref="ApiEndpointRouteBuilderExtensions.MapDaedalusApi"/> are built once over the worker's
/// services, and a trigger hands its request here to run the endpoint that matches its method and path, with the same
/// binding, authorization filter and typed results as the self-host.
/// </summary>
public sealed class ApiTriggerDispatcher
{
    private readonly Lazy<IReadOnlyList<(RouteEndpoint Endpoint, TemplateMatcher Matcher, IReadOnlyList<string> Methods)>> _routes;

    public ApiTriggerDispatcher(IServiceProvider services)
    {
        var builder = new EndpointCollection(services);
        builder.MapDaedalusApi();
        Endpoints = new CompositeEndpointDataSource(builder.DataSources);
        _routes = new(() => [.. Endpoints.Endpoints.OfType<RouteEndpoint>()
            // Literal segments before parameters, as routing would choose (e.g. /docs/scalar.js before /docs/{document}).
            .OrderBy(e => e.Order)
            .ThenBy(e => RoutePrecedence.ComputeInbound(TemplateOf(e)))
            .Select(e => (e, new TemplateMatcher(TemplateOf(e), Defaults(e.RoutePattern)), (IReadOnlyList<string>)(e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])))]);
    }

    /// <summary>The API's endpoints (what the OpenAPI document describes in the Functions app).</summary>
    public EndpointDataSource Endpoints { get; }

    /// <summary>The answer of the endpoint matching the request, or a 404 problem when none does.</summary>
    public IResult Dispatch(HttpRequest request)
    {
        // The self-host runs these as middleware; the worker has none of ours, so the trigger path runs them here.
        if (ApiRequestTextCheck.Check(request) is { } unstorable)
        {
            return unstorable;
        }

        foreach (var (endpoint, matcher, methods) in _routes.Value)
        {
            var values = new RouteValueDictionary();
            if ((methods.Count == 0 || methods.Contains(request.Method, StringComparer.OrdinalIgnoreCase)) && matcher.TryMatch(request.Path, values))
            {
                request.RouteValues = values;
                request.HttpContext.SetEndpoint(endpoint);
                return new RequestDelegateResult(Guarded(endpoint.RequestDelegate!));
            }
        }

        return NotFound();
    }

    /// <summary>Errors the client caused (a broken body, text PostgreSQL cannot store) answer 4xx, as in the self-host.</summary>
    private static RequestDelegate Guarded(RequestDelegate endpoint) => async context =>
    {
        try
        {
            await endpoint(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && ApiExceptionHandler.Classify(ex) is { Status: { } status } classified)
        {
            await Results.Problem(statusCode: status, title: classified.Title, detail: classified.Detail).ExecuteAsync(context);
        }
    };

    private static ProblemHttpResult NotFound() => ApiProblems.NotFound("There is no such API route.");

    private static RouteTemplate TemplateOf(RouteEndpoint endpoint) => new(endpoint.RoutePattern);

    private static RouteValueDictionary Defaults(RoutePattern pattern) => new(pattern.Defaults);

    /// <summary>An endpoint route builder that is not an application: endpoints to run by hand and to describe.</summary>
    private sealed class EndpointCollection(IServiceProvider services) : IEndpointRouteBuilder
    {
        public IServiceProvider ServiceProvider { get; } = services;

        public ICollection<EndpointDataSource> DataSources { get; } = [];

        public IApplicationBuilder CreateApplicationBuilder() => new ApplicationBuilder(ServiceProvider);
    }
}
