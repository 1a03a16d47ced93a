using Daedalus.Runs;

namespace Daedalus.Storage;

/// <summary>A <see cref="PullClaim"/> as Dapper reads it, statuses as stored text (see <see cref="RunRow"/>).</summary>
internal sealed record PullClaimRow(bool Claimed, string Status, int PullPart, int PullStream, string? PullStatus, string? PullError)
{
    /// <exception cref="FormatException">A stored status is not a run status name.</exception>
    public PullClaim ToClaim() => new(
        Claimed, RunStatuses.Parse(Status), PullPart, PullStream, PullStatus is null ? null : RunStatuses.Parse(PullStatus), PullError);
}
