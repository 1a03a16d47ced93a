namespace Daedalus.Api;

/// <summary>
/// One API route: what both hosts expose. <see cref="Handler"/> is a static method taking (HttpContext, route
/// values by name, CancellationToken) and returning Task&lt;IResult&gt;, so a Functions trigger can call it too.
/// <see cref="Request"/> and <see cref="Response"/> feed the OpenAPI document.
/// </summary>
public sealed record ApiRoute(
    string Name,
    string Method,
    string Template,
    Delegate Handler,
    ApiScope Scope,
    string Summary,
    int SuccessStatus = 200,
    Type? Request = null,
    Type? Response = null,
    int[]? Problems = null);
