namespace Daedalus.Api;

/// <summary>Endpoint metadata: the scope an endpoint requires (read by the authorization filter, OpenAPI and tests).</summary>
public sealed record ApiAccess(ApiScope Scope);
