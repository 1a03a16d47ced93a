using Daedalus.Runs;

namespace Daedalus.Storage;

public sealed record RunRecord(
    Guid Id,
    string Source,
    string Trigger,
    RunStatus Status,
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
    string? CancelRequestedBy = null);
