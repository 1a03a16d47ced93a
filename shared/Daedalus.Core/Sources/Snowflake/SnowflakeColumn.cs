using System.Text.Json.Serialization;

namespace Daedalus.Sources.Snowflake;

/// <summary>One entry of <c>resultSetMetaData.rowType</c>. <c>type</c> is lower case in live replies, upper case in some docs.</summary>
public sealed record SnowflakeColumn(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("scale")] int? Scale = null,
    [property: JsonPropertyName("precision")] int? Precision = null,
    [property: JsonPropertyName("nullable")] bool Nullable = true);
