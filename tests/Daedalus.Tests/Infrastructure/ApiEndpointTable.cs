using Daedalus.Api;
using Daedalus.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;

namespace Daedalus.Tests.Infrastructure;

/// <summary>
/// The API's endpoints as the self-host maps them (read from its endpoint data sources, not from a list kept by hand):
/// name, method, route template, required scope and whether the OpenAPI document describes it.
/// </summary>
public static class ApiEndpointTable
{
    private static readonly Lazy<IReadOnlyList<ApiEndpointInfo>> Endpoints = new(Read);

    public static IReadOnlyList<ApiEndpointInfo> All => Endpoints.Value;

    /// <summary>Every mapped endpoint of a built app or endpoint builder, one entry per HTTP method.</summary>
    public static IReadOnlyList<ApiEndpointInfo> Of(IEnumerable<EndpointDataSource> sources) =>
        [.. sources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().SelectMany(e =>
            (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(method => new ApiEndpointInfo(
                e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? $"(unnamed {e.RoutePattern.RawText})",
                method,
                Path(e),
                e.Metadata.GetMetadata<ApiAccess>()?.Scope,
                e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })))];

    /// <summary>The route as a client writes it: a group's "" route has no trailing slash (routing ignores it either way).</summary>
    public static string Path(RouteEndpoint endpoint) => "/" + endpoint.RoutePattern.RawText!.Trim('/');

    private static IReadOnlyList<ApiEndpointInfo> Read()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Daedalus:Database:ConnectionString"] = "Host=127.0.0.1;Database=unused",
        }).Build();
        var app = SelfHost.Build(configuration, "http://127.0.0.1:0");
        return Of(((IEndpointRouteBuilder)app).DataSources);
    }
}
