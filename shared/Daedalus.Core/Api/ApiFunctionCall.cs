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
        if (ApiRequestTextCheck.Check(request) is { } unstorable)
        {
            return unstorable;
        }

        if (scope != ApiScope.Anonymous && await ApiAuthorization.CheckAsync(context, scope, context.RequestAborted) is { } denied)
        {
            return denied;
        }

        try
        {
            return await handler(context, context.RequestAborted);
        }
        catch (Exception ex) when (ApiExceptionHandler.Classify(ex).Status is { } status)
        {
            return Results.Problem(statusCode: status, title: ApiExceptionHandler.Classify(ex).Title, detail: ApiExceptionHandler.Classify(ex).Detail);
        }
    }
}
