namespace Daedalus.Tests.Sources.QuickBooks;

/// <summary>One request the fake saw: kind (token/query/cdc), the query or changedSince, wire details, its answer, and the refresh token the secret store held at that moment.</summary>
public sealed record FakeQboRequest(string Kind, string? Query, string? ChangedSince, string? MinorVersion, string Accept, int Status, string? StoredRefreshToken);
