using Daedalus.Api;
using Daedalus.WebConsole;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Daedalus.Functions;

/// <summary>The web console's static files at /api/console/ (the same route as the self-host's); anonymous like the API docs.</summary>
public static class WebConsoleFunction
{
    [Function("BrowseConsole")]
    public static Task<IResult> BrowseConsole([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/{*path}")] HttpRequest request, string? path) =>
        ApiFunctionCall.RunAsync(request, ApiScope.Anonymous, (c, ct) => WebConsoleHandler.Serve(c, path, ct));
}
