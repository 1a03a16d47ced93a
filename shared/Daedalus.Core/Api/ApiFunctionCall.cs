using Microsoft.AspNetCore.Http;

namespace Daedalus.Api;

/// <summary>
/// What an HttpTrigger does with a request: the same authorization step as the self-host's endpoint filter (with
/// <c>Daedalus:Api:Auth = functionkeys</c> the Functions host has already checked the function key, and this
/// records the actor), then the route's handler.
/// </summary>
public static class ApiFunctionCall
{
    public static async Task<IResult> RunAsync(HttpRequest request, ApiScope scope, Func<HttpContext, CancellationToken, Task<IResult>> handler)
    {
        var context = request.HttpContext;
        if (scope != ApiScope.Anonymous && await ApiAuthorization.CheckAsync(context, scope, context.RequestAborted) is { } denied)
        {
            return denied;
        }

        return await handler(context, context.RequestAborted);
    }
}
