namespace Daedalus.Sources;

/// <summary>
/// One row as the source produced it, values aligned with <see cref="StreamSchema.Columns"/>.
/// A deleted record carries at least its primary key and cursor value. A plugin that cannot decode one of a row's
/// cells sets <see cref="Rejected"/> to why (naming the column, never the value; the cell itself is null) instead of
/// failing the stream: the row goes to quarantine with that reason and the rest of the stream loads.
/// </summary>
public readonly record struct SourceRecord(object?[] Values, bool IsDeleted = false, string? Rejected = null);
