namespace Daedalus.Security;

/// <summary>An API key as listed: never the key or its hash.</summary>
public sealed record ApiKeyInfo(string Id, string Name, string[] Scopes, DateTime CreatedAt, DateTime? RevokedAt);
