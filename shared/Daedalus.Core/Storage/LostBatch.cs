namespace Daedalus.Storage;

/// <summary>A batch that was enqueued but never delivered (storage lost it); its stream is re-pulled from <see cref="CursorFrom"/>.</summary>
public sealed record LostBatch(string BatchId, Guid RunId, string Source, string Stream, int Sequence, string? CursorFrom, DateTime EnqueuedAt);
