using System.Text.Json;
using System.Text.Json.Serialization;

namespace Daedalus.Client;

/// <summary>
/// Plugin <c>settings</c> on the wire: an object whose values are strings, numbers or booleans (<c>{"customers": 2000}</c>
/// and <c>{"customers": "2000"}</c> mean the same, as in the YAML), kept as text for the plugin's typed reader. Numbers keep
/// their JSON text exactly. Null, arrays and objects as values are refused with the value's path. Written back as strings.
/// </summary>
public sealed class SettingValuesJsonConverter : JsonConverter<Dictionary<string, string>>
{
    public override Dictionary<string, string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("settings must be an object of name: value");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString() ?? "";
            reader.Read();
            var value = reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString(),
                JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan),
                JsonTokenType.True => "true",
                JsonTokenType.False => "false",
                _ => null,
            } ?? throw new JsonException($"setting '{name}' must be a string, a number or a boolean");
            if (!values.TryAdd(name, value))
            {
                throw new JsonException($"setting '{name}' appears twice");
            }
        }

        return values;
    }

    public override void Write(Utf8JsonWriter writer, Dictionary<string, string> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (name, text) in value)
        {
            writer.WriteString(name, text);
        }

        writer.WriteEndObject();
    }
}
