using Daedalus.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Daedalus.Functions;

/// <summary>The web console's static files at /api/console/ (the same endpoint as the self-host's); anonymous like the API docs.</summary>
public sealed class WebConsoleFunction(ApiTriggerDispatcher api)
{
    [Function("BrowseConsole")]
    public IResult BrowseConsole([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/{*path}")] HttpRequest request) => api.Dispatch(request);
}
