using System.Text.Json.Serialization;

namespace Daedalus.Sources.Snowflake;

/// <summary>A bind variable: a Snowflake type name and the value as a string (the SQL API's wire form).</summary>
public sealed record SnowflakeBinding(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("value")] string? Value);
