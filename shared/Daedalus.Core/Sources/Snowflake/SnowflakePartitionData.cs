using System.Text.Json.Serialization;

namespace Daedalus.Sources.Snowflake;

/// <summary>What <c>GET /api/v2/statements/{handle}?partition=N</c> returns: only the rows.</summary>
public sealed record SnowflakePartitionData([property: JsonPropertyName("data")] IReadOnlyList<string?[]> Data);
