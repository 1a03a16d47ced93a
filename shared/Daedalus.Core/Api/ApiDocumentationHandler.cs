using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Api;

/// <summary>GET /api/v1/openapi.json and /api/v1/docs/…: the OpenAPI document and its UI.</summary>
public static class ApiDocumentationHandler
{
    public static Task<IResult> Serve(HttpContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IResult>(new RequestDelegateResult(context.RequestServices.GetRequiredService<ApiDocumentation>().ServeAsync));
    }
}
