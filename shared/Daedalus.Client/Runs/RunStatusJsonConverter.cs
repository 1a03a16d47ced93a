using System.Text.Json;
using System.Text.Json.Serialization;

namespace Daedalus.Runs;

/// <summary>Writes and reads <see cref="RunStatus"/> by its lower-case name (<see cref="RunStatuses"/>); anything else is a <see cref="JsonException"/>.</summary>
public sealed class RunStatusJsonConverter : JsonConverter<RunStatus>
{
    public override RunStatus Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && RunStatuses.TryParse(reader.GetString(), out var status)
            ? status.Value
            : throw new JsonException($"expected a run status ({string.Join(", ", RunStatuses.All)})");

    public override void Write(Utf8JsonWriter writer, RunStatus value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name());
}
