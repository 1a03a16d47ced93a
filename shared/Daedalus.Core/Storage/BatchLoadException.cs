namespace Daedalus.Storage;

/// <summary>
/// A batch PostgreSQL refused as a whole (not row by row), described without any cell value: source, stream, SQLSTATE,
/// the message text with quoted values removed, and the column when known. The original exception is not kept as the
/// inner exception on purpose: loggers print inner exceptions, and PostgreSQL's DETAIL/WHERE quote the data.
/// </summary>
public sealed class BatchLoadException : Exception
{
    public BatchLoadException(string message, string sqlState, bool infrastructure)
        : base(message)
    {
        SqlState = sqlState;
        IsInfrastructure = infrastructure;
    }

    /// <summary>PostgreSQL's SQLSTATE code, e.g. 23505.</summary>
    public string SqlState { get; }

    /// <summary>True when the database, not the batch, failed (retry without spending the delivery budget).</summary>
    public bool IsInfrastructure { get; }
}
