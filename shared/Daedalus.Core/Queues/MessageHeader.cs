namespace Daedalus.Queues;

/// <summary>What a queue message says about itself before its rows are read: enough to log, list and find its claim check.</summary>
public sealed record MessageHeader(int? Version, string? BatchId, string? Source, string? Stream, ClaimCheck? ClaimCheck);
