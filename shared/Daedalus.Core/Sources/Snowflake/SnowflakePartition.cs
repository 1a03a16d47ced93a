using System.Text.Json.Serialization;

namespace Daedalus.Sources.Snowflake;

/// <summary>One entry of <c>resultSetMetaData.partitionInfo</c>.</summary>
public sealed record SnowflakePartition(
    [property: JsonPropertyName("rowCount")] long RowCount,
    [property: JsonPropertyName("uncompressedSize")] long UncompressedSize = 0,
    [property: JsonPropertyName("compressedSize")] long? CompressedSize = null);
