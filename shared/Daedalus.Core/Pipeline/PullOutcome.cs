using Daedalus.Queues;

namespace Daedalus.Pipeline;

/// <summary>
/// What one delivery of a pull request did: <see cref="Kind"/>, the streams it pulled, and the continuation to enqueue
/// (the run's next part, when this part hit its time limit, or when a duplicate finds the continuation due but maybe unsent).
/// </summary>
public sealed record PullOutcome(PullOutcomeKind Kind, IReadOnlyList<StreamSummary> Summaries, PullRequest? Continuation);
