namespace Daedalus.Api;

/// <summary>One dependency's answer to the status check.</summary>
public sealed record DependencyStatus(string Name, string Status, string Detail, long ElapsedMs);
