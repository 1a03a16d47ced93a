using System.Text;
using System.Text.Json;
using Daedalus.Batching;
using Daedalus.Sources;

namespace Daedalus.Ingest;

/// <summary>
/// A rejected row as the JSON object <c>daedalus.quarantine.row</c> stores: column name to value, in the batch
/// envelope's value encoding. jsonb cannot store U+0000 even escaped, so a NUL inside a string is written as the six
/// characters <c>\u0000</c>, and an unpaired UTF-16 surrogate (which no JSON writer can encode) as <c>\uXXXX</c>: the only changes made to a quarantined value; the reason says the row held one.
/// </summary>
public static class QuarantineRowJson
{
    public static string Write(IReadOnlyList<ColumnSchema> columns, object?[] values)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            for (var i = 0; i < columns.Count; i++)
            {
                writer.WritePropertyName(columns[i].Name);
                var value = values[i] is string text ? Storable(text) : values[i];
                BatchEnvelope.WriteValue(writer, columns[i].Type, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Storable(string text)
    {
        var escaped = Utf16Text.HasUnpairedSurrogate(text) ? Utf16Text.EscapeUnpairedSurrogates(text) : text;
        return escaped.Contains('\0', StringComparison.Ordinal) ? escaped.Replace("\0", "\\u0000", StringComparison.Ordinal) : escaped;
    }
}
