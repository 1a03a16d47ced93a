namespace Daedalus.Queues;

/// <summary>
/// A poison queue entry as written by Daedalus: the error beside the original message body (inline as base64,
/// or in a blob when it would not fit a queue message).
/// </summary>
public sealed record PoisonRecord(
    string Error,
    DateTimeOffset FailedAt,
    long DequeueCount,
    string OriginalMessageId,
    string? BatchId,
    string? Source,
    string? Stream,
    byte[]? Body,
    string? BodyBlob);
