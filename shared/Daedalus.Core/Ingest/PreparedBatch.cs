using Daedalus.Batching;
using Daedalus.Configuration;
using Daedalus.Sources;

namespace Daedalus.Ingest;

/// <summary>A batch after validate → transform → protect: target-shaped rows plus what was quarantined.</summary>
public sealed record PreparedBatch(
    Batch Batch,
    TargetTable Target,
    IReadOnlyList<ColumnSchema> Columns,
    IReadOnlyList<string> PrimaryKey,
    string? CursorColumn,
    IReadOnlyList<SourceRecord> Rows,
    IReadOnlyList<QuarantinedRow> Quarantined,
    bool HasDuplicateKeys,
    IReadOnlyList<MetricRuleDefinition> Metrics,
    bool AdvanceCursor)
{
    public int DeletedCount => Rows.Count(r => r.IsDeleted);
}
