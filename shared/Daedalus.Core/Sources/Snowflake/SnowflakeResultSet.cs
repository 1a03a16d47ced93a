using System.Text.Json.Serialization;

namespace Daedalus.Sources.Snowflake;

/// <summary>A finished statement (HTTP 200): metadata plus partition 0 inline; other partitions are fetched by number.</summary>
public sealed record SnowflakeResultSet(
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("sqlState")] string? SqlState,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("statementHandle")] string StatementHandle,
    [property: JsonPropertyName("resultSetMetaData")] SnowflakeResultMetadata ResultSetMetaData,
    [property: JsonPropertyName("data")] IReadOnlyList<string?[]> Data)
{
    public int PartitionCount => Math.Max(1, ResultSetMetaData.PartitionInfo?.Count ?? 1);
}
