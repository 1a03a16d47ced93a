using Daedalus.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Daedalus.Functions;

/// <summary><c>GET /api/v1/status</c>.</summary>
public sealed class StatusFunction(StatusEndpoint status)
{
    [Function("status")]
    public Task<IResult> Run([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/status")] HttpRequest request) => status.GetAsync(request.HttpContext.RequestAborted);
}
