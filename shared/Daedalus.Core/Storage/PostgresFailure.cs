using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;

namespace Daedalus.Storage;

/// <summary>
/// What a PostgreSQL failure means for a batch, and how to describe it without the data: PostgreSQL's DETAIL and
/// WHERE lines (and some message texts) quote the offending value, so only the SQLSTATE, the message text with any
/// quoted value removed, and the column name are ever copied into logs, run errors or quarantine reasons.
/// </summary>
public static partial class PostgresFailure
{
    /// <summary>
    /// True when the error is about the data of some row (class 22 data exceptions, NOT NULL and CHECK violations,
    /// an index row too large): splitting the batch isolates the refused rows.
    /// </summary>
    public static bool IsRowLevel(PostgresException ex) =>
        ex.SqlState.StartsWith("22", StringComparison.Ordinal)
        || ex.SqlState is PostgresErrorCodes.NotNullViolation or PostgresErrorCodes.CheckViolation or PostgresErrorCodes.ProgramLimitExceeded;

    /// <summary>
    /// True when the database (not the batch) failed: the connection broke or could not be made, the server is
    /// shutting down or starting, out of resources, or a deadlock/serialization failure. Such failures are retried
    /// without spending the batch's delivery budget.
    /// </summary>
    public static bool IsInfrastructure(Exception ex) => ex switch
    {
        BatchLoadException load => load.IsInfrastructure,
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.SqlState.StartsWith("53", StringComparison.Ordinal)
            || pg.SqlState.StartsWith("57P", StringComparison.Ordinal)
            || pg.SqlState.StartsWith("58", StringComparison.Ordinal)
            || pg.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable,
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException || npgsql.InnerException is null,
        SocketException or IOException => true,
        _ => ex.InnerException is { } inner && IsInfrastructure(inner),
    };

    /// <summary>"SQLSTATE: message" with any quoted value removed, plus the column when PostgreSQL names one.</summary>
    public static string Describe(PostgresException ex)
    {
        var message = QuotedValue().Replace(ex.MessageText, "");
        var column = ColumnOf(ex);
        return column is null ? $"{ex.SqlState}: {message}" : $"{ex.SqlState}: {message} (column {column})";
    }

    /// <summary>The column PostgreSQL blames: its column field, else the COPY context's "column x:" (the value after it is dropped).</summary>
    public static string? ColumnOf(PostgresException ex)
    {
        if (!string.IsNullOrEmpty(ex.ColumnName))
        {
            return ex.ColumnName;
        }

        if (ex.Where is { } where && CopyColumn().Match(where) is { Success: true } match)
        {
            return match.Groups[1].Value;
        }

        return null;
    }

    // invalid input syntax for type integer: "abc"  ->  invalid input syntax for type integer
    [GeneratedRegex("""(: "(?:[^"]|"")*"\s*$)""")]
    private static partial Regex QuotedValue();

    [GeneratedRegex("""COPY [^,]+, line \d+, column ("(?:[^"]|"")+"|[^\s:]+)""")]
    private static partial Regex CopyColumn();
}
