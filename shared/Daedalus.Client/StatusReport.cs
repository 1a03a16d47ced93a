namespace Daedalus.Client;

/// <summary>
/// Health: <c>status</c> is healthy, degraded (a source is stale or failing) or unhealthy (a dependency is
/// down; the HTTP status is then 503). <c>anomalies</c>: what is unusual in each source's latest succeeded
/// run (informational: it does not make the status degraded). <c>retirements</c>: sources with a retirement time,
/// soonest first, upcoming (<c>retiredAt</c> null) or done.
/// </summary>
public sealed record StatusReport(string Status, DateTimeOffset CheckedAt, IReadOnlyList<DependencyStatus> Checks, IReadOnlyList<SourceFreshness> Sources, IReadOnlyList<RunAnomaly>? Anomalies = null, IReadOnlyList<SourceRetirement>? Retirements = null);
