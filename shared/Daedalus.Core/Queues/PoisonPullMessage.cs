namespace Daedalus.Queues;

/// <summary>A pull request in the pull poison queue: its run and source (when readable), the last error and how often it was delivered.</summary>
public sealed record PoisonPullMessage(string MessageId, Guid? RunId, string? Source, string Error, DateTimeOffset? InsertedAt, long DequeueCount);
