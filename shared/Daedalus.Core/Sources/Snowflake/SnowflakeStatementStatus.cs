using System.Text.Json.Serialization;

namespace Daedalus.Sources.Snowflake;

/// <summary>
/// The body of a 202 (still running, code 333334) and of error replies (QueryFailureStatus on 422:
/// code, sqlState, message, statementHandle).
/// </summary>
public sealed record SnowflakeStatementStatus(
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("sqlState")] string? SqlState,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("statementHandle")] string? StatementHandle,
    [property: JsonPropertyName("statementStatusUrl")] string? StatementStatusUrl);
