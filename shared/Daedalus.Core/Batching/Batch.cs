using Daedalus.Sources;

namespace Daedalus.Batching;

/// <summary>A bounded slice of one stream's records, with the cursor range it covers.</summary>
public sealed record Batch(
    string BatchId,
    Guid RunId,
    string Source,
    string Stream,
    StreamSchema Schema,
    IReadOnlyList<SourceRecord> Records,
    string? CursorFrom,
    string? CursorTo,
    int Sequence,
    DateTimeOffset CreatedAt);
