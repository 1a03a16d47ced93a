namespace Daedalus.Queues;

/// <summary>A message that failed too often, with what is known of its batch and the last error.</summary>
public sealed record PoisonMessage(string MessageId, string? BatchId, string? Source, string? Stream, string Error, DateTimeOffset? InsertedAt, long DequeueCount);
