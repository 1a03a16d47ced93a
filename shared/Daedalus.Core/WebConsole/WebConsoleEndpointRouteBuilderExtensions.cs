using Daedalus.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Daedalus.WebConsole;

/// <summary>Maps the web console for the self-host (the Functions app has the same route as its BrowseConsole trigger).</summary>
public static class WebConsoleEndpointRouteBuilderExtensions
{
    /// <summary>The console's entry in the hosts' route inventory: anonymous, like the API docs, and not in the OpenAPI document.</summary>
    public static readonly ApiRoute Route = new(WebConsoleHandler.Name, "GET", WebConsoleHandler.Template, WebConsoleHandler.Serve, ApiScope.Anonymous, "The web console (static files; its API calls carry the user's key)", Described: false);

    public static IEndpointRouteBuilder MapDaedalusConsole(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods(Route.Template, [HttpMethods.Get], (HttpContext context, string? path, CancellationToken cancellationToken) => WebConsoleHandler.Serve(context, path, cancellationToken))
            .WithName(Route.Name)
            .WithMetadata(Route)
            .ExcludeFromDescription();
        return endpoints;
    }
}
