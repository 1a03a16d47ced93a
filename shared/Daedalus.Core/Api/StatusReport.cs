namespace Daedalus.Api;

/// <summary>The body of <c>/api/v1/status</c>: <c>ok</c> only when every dependency is.</summary>
public sealed record StatusReport(string Status, IReadOnlyDictionary<string, DependencyStatus> Checks);
