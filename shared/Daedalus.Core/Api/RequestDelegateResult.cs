using Microsoft.AspNetCore.Http;

namespace Daedalus.Api;

/// <summary>
/// An answer written by ASP.NET Core middleware we don't own (the Prometheus exporter, OpenAPI, Scalar): route
/// handlers return it, so a Functions trigger and a minimal-API endpoint run the same middleware.
/// </summary>
public sealed class RequestDelegateResult(RequestDelegate write) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext) => write(httpContext);
}
