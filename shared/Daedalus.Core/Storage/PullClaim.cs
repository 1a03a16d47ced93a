using Daedalus.Runs;

namespace Daedalus.Storage;

/// <summary>
/// A run as <see cref="RunStore.ClaimPullAsync"/> left it: whether the caller now holds the part, the run's status, the
/// part it waits for (or runs) and the stream index that part starts at, and the worst status and errors of earlier parts.
/// </summary>
public sealed record PullClaim(bool Claimed, RunStatus Status, int PullPart, int PullStream, RunStatus? PullStatus, string? PullError);
