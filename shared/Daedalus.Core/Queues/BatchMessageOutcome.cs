namespace Daedalus.Queues;

/// <summary>What became of one delivery. A retryable failure is not an outcome: it is thrown to the host.</summary>
public enum BatchMessageOutcome
{
    /// <summary>Loaded now, or found in the ledger (a redelivery).</summary>
    Loaded,

    /// <summary>Moved to the poison queue with its error; the delivery is complete.</summary>
    Poisoned,

    /// <summary>
    /// The infrastructure failed (PostgreSQL or storage unreachable), not the batch: sent again as a new message with
    /// a backoff delay, so the outage does not spend its dequeue count; the delivery is complete.
    /// </summary>
    Deferred,
}
