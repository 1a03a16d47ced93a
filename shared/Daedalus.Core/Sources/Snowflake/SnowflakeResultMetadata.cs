using System.Text.Json.Serialization;

namespace Daedalus.Sources.Snowflake;

public sealed record SnowflakeResultMetadata(
    [property: JsonPropertyName("numRows")] long NumRows,
    [property: JsonPropertyName("format")] string? Format,
    [property: JsonPropertyName("rowType")] IReadOnlyList<SnowflakeColumn> RowType,
    [property: JsonPropertyName("partitionInfo")] IReadOnlyList<SnowflakePartition>? PartitionInfo);
