using Microsoft.AspNetCore.Http;

namespace Daedalus.Api;

/// <summary>
/// The one query-string check of the API: every parameter must be one the endpoint declares
/// (<see cref="ApiQueryParameters"/>, via <see cref="ApiQuery.AcceptsQuery"/>) or the Functions key
/// <see cref="ApiQuery.FunctionKey"/>; otherwise 400 problem+json naming each unknown parameter and the accepted ones.
/// <see cref="ApiEndpointRouteBuilderExtensions.RequireScope"/>, which every endpoint calls, adds it after the
/// authorization filter, so a caller without a key gets its 401 first. The self-host and the Functions dispatcher run
/// the same endpoint pipeline, so both answer alike.
/// </summary>
public sealed class ApiQueryFilter : IEndpointFilter
{
    public static readonly ApiQueryFilter Instance = new();

    private ApiQueryFilter()
    {
    }

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var accepted = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<ApiQueryParameters>()?.Names ?? [];
        var problem = ApiQuery.RejectUnknown(context.HttpContext.Request, [.. accepted]);
        return problem is null ? next(context) : ValueTask.FromResult<object?>(problem);
    }
}
