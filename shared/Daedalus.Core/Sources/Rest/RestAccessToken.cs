namespace Daedalus.Sources.Rest;

/// <summary>An OAuth access token kept in memory (never stored) until shortly before it expires.</summary>
public sealed record RestAccessToken(string Value, DateTimeOffset UseUntil);
