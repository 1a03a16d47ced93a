using Daedalus.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Daedalus.WebConsole;

/// <summary>
/// Maps the web console beside the API (both hosts: the self-host's app and the Functions app's
/// <see cref="ApiTriggerDispatcher"/>); anonymous like the API docs, and not in the OpenAPI document.
/// </summary>
public static class WebConsoleEndpointRouteBuilderExtensions
{
    public static IEndpointRouteBuilder MapDaedalusConsole(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods(WebConsoleHandler.Template, [HttpMethods.Get], (HttpContext context, string? path, CancellationToken cancellationToken) => WebConsoleHandler.Serve(context, path, cancellationToken))
            .WithName(WebConsoleHandler.Name)
            .ExcludeFromDescription()
            .RequireScope(ApiScope.Anonymous);
        return endpoints;
    }
}
