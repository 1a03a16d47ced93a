using Microsoft.AspNetCore.Http;

namespace Daedalus.Api;

/// <summary>Runs <see cref="ApiAuthorization"/> before a minimal-API handler.</summary>
public sealed class ApiAuthorizationFilter : IEndpointFilter
{
    private readonly ApiScope _scope;

    public ApiAuthorizationFilter(ApiScope scope)
    {
        _scope = scope;
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var denied = await ApiAuthorization.CheckAsync(context.HttpContext, _scope, context.HttpContext.RequestAborted);
        return denied ?? await next(context);
    }
}
