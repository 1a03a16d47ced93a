namespace Daedalus.Client;

/// <summary>One stream's check: reachable or not, and a sentence saying what was found or what failed (never a secret).</summary>
public sealed record StreamCheckResult(string Stream, bool Ok, string Message);
