namespace Daedalus.Client;

/// <summary>A pull request that failed too often (or could never run) and waits in the pull poison queue; its run is failed until it is replayed.</summary>
public sealed record PoisonPull(string MessageId, Guid? RunId, string? Source, string Error, DateTimeOffset? InsertedAt, long DequeueCount);
