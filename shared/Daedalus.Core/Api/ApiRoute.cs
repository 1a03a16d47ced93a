namespace Daedalus.Api;

/// <summary>
/// One API route: what both hosts expose. <see cref="Handler"/> is a static method taking (HttpContext, route
/// values by name, CancellationToken) and returning Task&lt;IResult&gt;, so a Functions trigger can call it too.
/// <see cref="Request"/>, <see cref="Response"/> and <see cref="ContentType"/> feed the OpenAPI document;
/// <see cref="Described"/> is false for the routes that serve the document and its UI themselves.
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
    int[]? Problems = null,
    string? ContentType = null,
    bool Described = true);
