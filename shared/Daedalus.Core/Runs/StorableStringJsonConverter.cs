using System.Text.Json;
using System.Text.Json.Serialization;
using Daedalus.Configuration;

namespace Daedalus.Runs;

/// <summary>
/// Writes strings as PostgreSQL jsonb can store them: an event's detail may carry upstream text (a run error, a
/// source's message) with NULs or lone surrogates, which jsonb refuses; <see cref="StoredText.Sanitize"/> replaces them.
/// </summary>
internal sealed class StorableStringJsonConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString();

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(StoredText.Sanitize(value));
}
