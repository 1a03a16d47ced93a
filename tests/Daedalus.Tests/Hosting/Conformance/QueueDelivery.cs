namespace Daedalus.Tests.Hosting.Conformance;

/// <summary>What the stand-in host did with one delivery of a queue message after invoking the function.</summary>
/// <param name="Outcome">Deleted (the invocation succeeded), Released (failed; visible again after the retry delay), or Poisoned (failed on the last allowed delivery; moved to <c>&lt;queue&gt;-poison</c>).</param>
/// <param name="Error">The invocation's exception message when it failed.</param>
public sealed record QueueDelivery(string Queue, string MessageId, long DequeueCount, QueueDeliveryOutcome Outcome, string? Error);
