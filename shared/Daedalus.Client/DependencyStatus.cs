namespace Daedalus.Client;

/// <summary>One dependency check: healthy, unhealthy or absent (not configured in this host).</summary>
public sealed record DependencyStatus(string Name, string Status, double DurationMs, string? Detail);
