namespace Daedalus.Queues;

/// <summary>Where an envelope too large for a queue message was put: a blob in the claim-check container.</summary>
public sealed record ClaimCheck(string Container, string Blob, long Bytes);
