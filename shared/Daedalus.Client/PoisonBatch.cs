namespace Daedalus.Client;

/// <summary>A batch that failed too often and waits in the poison queue.</summary>
public sealed record PoisonBatch(string MessageId, string? BatchId, string? Source, string? Stream, string Error, DateTimeOffset? InsertedAt, long DequeueCount);
