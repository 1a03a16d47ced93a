namespace Daedalus.Sources;

/// <summary>The outcome of <see cref="ISourceDiscovery.CheckAsync"/> for one stream: whether it is reachable, and a sentence saying what was found or what failed (never a secret).</summary>
public sealed record StreamCheck(string Stream, bool Ok, string Message);
