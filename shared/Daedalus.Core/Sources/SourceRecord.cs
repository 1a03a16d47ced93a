namespace Daedalus.Sources;

/// <summary>
/// One row as the source produced it, values aligned with <see cref="StreamSchema.Columns"/>.
/// A deleted record carries at least its primary key and cursor value.
/// </summary>
public readonly record struct SourceRecord(object?[] Values, bool IsDeleted = false);
