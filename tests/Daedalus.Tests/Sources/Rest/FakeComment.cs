namespace Daedalus.Tests.Sources.Rest;

/// <summary>A GitHub issue comment as the fake keeps it.</summary>
public sealed record FakeComment(long Id, string Login, string Body, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
