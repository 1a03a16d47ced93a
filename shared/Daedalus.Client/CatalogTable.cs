namespace Daedalus.Client;

/// <summary>
/// A target table Daedalus loads: which source and stream fill it, its columns (empty while the table does not exist yet,
/// before the stream's first load), its row count (<see cref="RowCountEstimated"/> when taken from PostgreSQL's statistics
/// for a big table rather than counted), when a batch last loaded into it, and the source's freshness
/// (fresh, stale, never, disabled; see <see cref="SourceFreshness"/>).
/// </summary>
public sealed record CatalogTable(
    string Schema,
    string Table,
    string Source,
    string Stream,
    bool Exists,
    long? RowCount,
    bool RowCountEstimated,
    DateTimeOffset? LastLoadAt,
    string Freshness,
    IReadOnlyList<string> ProtectedColumns,
    IReadOnlyList<CatalogColumn> Columns);
