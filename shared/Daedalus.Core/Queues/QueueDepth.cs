namespace Daedalus.Queues;

/// <summary>Approximate message counts of the batch queue and its poison queue.</summary>
public sealed record QueueDepth(int Batches, int Poison);
