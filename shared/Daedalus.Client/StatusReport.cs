namespace Daedalus.Client;

/// <summary>
/// Health: <see cref="Status"/> is healthy, degraded (a source is stale or failing) or unhealthy (a dependency is
/// down; the HTTP status is then 503).
/// </summary>
public sealed record StatusReport(string Status, DateTimeOffset CheckedAt, IReadOnlyList<DependencyStatus> Checks, IReadOnlyList<SourceFreshness> Sources);
