using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Daedalus.Client;

/// <summary>
/// Writes an <see cref="ExactNumber"/> as a plain JSON number carrying every digit (never a float, never a string), and
/// reads a JSON number token the same way, from its raw text. Anything but a number token is a <see cref="JsonException"/>.
/// </summary>
public sealed class ExactNumberJsonConverter : JsonConverter<ExactNumber>
{
    public override ExactNumber Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            throw new JsonException($"expected a JSON number, found {reader.TokenType}");
        }

        var raw = reader.HasValueSequence ? Encoding.UTF8.GetString(reader.ValueSequence) : Encoding.UTF8.GetString(reader.ValueSpan);
        try
        {
            return ExactNumber.Parse(raw);
        }
        catch (FormatException ex)
        {
            throw new JsonException($"not a decimal number: {ex.Message}", ex);
        }
    }

    public override void Write(Utf8JsonWriter writer, ExactNumber value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Text, skipInputValidation: false);
}
