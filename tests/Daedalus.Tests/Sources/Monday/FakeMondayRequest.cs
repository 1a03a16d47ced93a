namespace Daedalus.Tests.Sources.Monday;

/// <summary>What the fake saw: the kind of query, its cursor, its day filter and the pinned version header.</summary>
public sealed record FakeMondayRequest(string Kind, string? Cursor, string? RuleDay, int? Limit, string? ApiVersion, int Status);
