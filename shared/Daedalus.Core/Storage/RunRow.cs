using Daedalus.Runs;

namespace Daedalus.Storage;

/// <summary>
/// A <c>daedalus.runs</c> row as Dapper reads it: the status as its stored text, since Dapper ignores type handlers for
/// enums on read and would parse the text loosely (any casing, numbers). <see cref="ToRecord"/> parses it exactly.
/// </summary>
internal sealed record RunRow(
    Guid Id,
    string Source,
    string Trigger,
    string Status,
    DateTime StartedAt,
    DateTime? FinishedAt,
    long RowsRead,
    long RowsLoaded,
    long RowsQuarantined,
    long RowsDeleted,
    int Batches,
    string? Error,
    int BatchesPoisoned = 0,
    int BatchesLost = 0,
    long RowsNotLoaded = 0,
    DateTime? CancelRequestedAt = null,
    string? CancelRequestedBy = null)
{
    /// <exception cref="FormatException">The stored status is not a run status name.</exception>
    public RunRecord ToRecord() => new(
        Id, Source, Trigger, RunStatuses.Parse(Status), StartedAt, FinishedAt, RowsRead, RowsLoaded, RowsQuarantined, RowsDeleted, Batches, Error,
        BatchesPoisoned, BatchesLost, RowsNotLoaded, CancelRequestedAt, CancelRequestedBy);
}
