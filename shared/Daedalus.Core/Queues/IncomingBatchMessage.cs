namespace Daedalus.Queues;

/// <summary>One delivery of a queue message, as either host sees it: its id, raw body and how often it was dequeued.</summary>
public sealed record IncomingBatchMessage(string MessageId, BinaryData Body, long DequeueCount, DateTimeOffset? InsertedAt);
