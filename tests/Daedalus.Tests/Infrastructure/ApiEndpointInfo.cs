using Daedalus.Api;

namespace Daedalus.Tests.Infrastructure;

/// <summary>One mapped API endpoint and method; <see cref="Scope"/> is null for an endpoint without access metadata (a bug).</summary>
public sealed record ApiEndpointInfo(string Name, string Method, string Template, ApiScope? Scope, bool Described);
