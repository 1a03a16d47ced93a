namespace Daedalus.Tests.Hosting.Conformance;

/// <summary>How the host settles a delivered queue message.</summary>
public enum QueueDeliveryOutcome
{
    Deleted,
    Released,
    Poisoned,
}
