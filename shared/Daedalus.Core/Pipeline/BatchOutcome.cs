namespace Daedalus.Pipeline;

/// <summary>What happened to one batch at the sink. Loaded counts are 0 when it was only enqueued.</summary>
public sealed record BatchOutcome(int Loaded, int Quarantined, int Deleted, int Stale, bool AlreadyLoaded, bool Enqueued = false);
