namespace Daedalus.Queues;

/// <summary>
/// Where an envelope too large for a queue message was put: a blob in the claim-check container. <see cref="Bytes"/>
/// is the stored (possibly compressed) size; <see cref="Encoding"/> is how the blob is encoded (<c>gzip</c>, or null
/// for a plain JSON envelope written before compression); <see cref="EnvelopeBytes"/> is the envelope's size before
/// encoding (0 when unknown, as in references written before compression).
/// </summary>
public sealed record ClaimCheck(string Container, string Blob, long Bytes, string? Encoding = null, long EnvelopeBytes = 0);
