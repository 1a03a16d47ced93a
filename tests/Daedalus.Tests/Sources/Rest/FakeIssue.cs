namespace Daedalus.Tests.Sources.Rest;

/// <summary>A GitHub issue as the fake keeps it.</summary>
public sealed record FakeIssue(long Id, int Number, string State, string Title, string? Body, IReadOnlyList<string> Labels, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ClosedAt, List<FakeComment> Comments);
