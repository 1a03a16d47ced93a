namespace Daedalus.Tests.Sources.Rest;

/// <summary>One request the fake API saw: path and query as sent, the status it answered.</summary>
public sealed record FakeRestRequest(string Path, string Query, string? Authorization, int Status);
