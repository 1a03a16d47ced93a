using Daedalus.Ingest;
using Daedalus.Sources;

namespace Daedalus.Batching;

/// <summary>
/// A bounded slice of one stream's records, with the cursor range it covers. A <see cref="Protected"/> batch
/// has already been validated, renamed and protected (its schema is the target's, its rejects are in
/// <see cref="Quarantined"/>): that is how batches travel on the queue, so protected columns never leave the
/// puller in clear.
/// </summary>
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
    DateTimeOffset CreatedAt,
    bool Protected = false,
    IReadOnlyList<QuarantinedRow>? Quarantined = null)
{
    /// <summary>W3C traceparent of the span that enqueued the batch (the envelope's optional <c>traceparent</c>), so its ingest continues the run's trace.</summary>
    public string? TraceParent { get; init; }
}
