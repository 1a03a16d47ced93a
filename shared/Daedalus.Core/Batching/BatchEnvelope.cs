using System.Globalization;
using System.Text.Json;
using Daedalus.Sources;

namespace Daedalus.Batching;

/// <summary>
/// The <c>v1</c> wire format of a batch on the queue. Values are written by column type so they read
/// back exactly (decimals as strings, timestamps as ISO-8601 with offset). Readers must keep accepting v1.
/// </summary>
public static class BatchEnvelope
{
    public const int Version = 1;

    public static byte[] Serialize(Batch batch)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, batch);
        }

        return buffer.ToArray();
    }

    public static void Write(Utf8JsonWriter writer, Batch batch)
    {
        writer.WriteStartObject();
        writer.WriteNumber("version", Version);
        writer.WriteString("batchId", batch.BatchId);
        writer.WriteString("runId", batch.RunId);
        writer.WriteString("source", batch.Source);
        writer.WriteString("stream", batch.Stream);
        writer.WriteNumber("sequence", batch.Sequence);
        writer.WriteString("createdAt", batch.CreatedAt);
        if (batch.TraceParent is { } traceParent)
        {
            // Optional and additive: readers of v1 without it ignore it.
            writer.WriteString("traceparent", traceParent);
        }

        writer.WriteStartObject("cursor");
        writer.WriteString("from", batch.CursorFrom);
        writer.WriteString("to", batch.CursorTo);
        writer.WriteEndObject();
        writer.WriteStartObject("schema");
        writer.WriteStartArray("columns");
        foreach (var column in batch.Schema.Columns)
        {
            writer.WriteStartObject();
            writer.WriteString("name", column.Name);
            writer.WriteString("type", column.Type.ToString().ToLowerInvariant());
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("primaryKey");
        foreach (var key in batch.Schema.PrimaryKey)
        {
            writer.WriteStringValue(key);
        }

        writer.WriteEndArray();
        writer.WriteString("cursorField", batch.Schema.CursorField);
        writer.WriteEndObject();
        writer.WriteStartArray("rows");
        foreach (var record in batch.Records)
        {
            writer.WriteStartArray();
            for (var i = 0; i < batch.Schema.Columns.Count; i++)
            {
                WriteValue(writer, batch.Schema.Columns[i].Type, record.Values[i]);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("deleted");
        for (var i = 0; i < batch.Records.Count; i++)
        {
            if (batch.Records[i].IsDeleted)
            {
                writer.WriteNumberValue(i);
            }
        }

        writer.WriteEndArray();
        if (batch.Protected)
        {
            // Added within v1: readers that predate it never see such messages (they come from the same build).
            writer.WriteBoolean("protected", true);
            writer.WriteStartArray("quarantined");
            foreach (var row in batch.Quarantined ?? [])
            {
                writer.WriteStartObject();
                writer.WriteString("rule", row.Rule);
                writer.WriteString("reason", row.Reason);
                writer.WriteString("row", row.RowJson);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <summary>Reads an envelope; throws <see cref="BatchFormatException"/> with a clear reason when it can't.</summary>
    public static Batch Deserialize(ReadOnlySpan<byte> json) => Deserialize(json.ToArray());

    /// <summary>As <see cref="Deserialize(ReadOnlySpan{byte})"/>, reading the array in place (no copy of a large envelope).</summary>
    public static Batch Deserialize(byte[] json) => Deserialize(json.AsMemory());

    /// <summary>As <see cref="Deserialize(ReadOnlySpan{byte})"/>, reading the memory in place; it must stay unchanged until this returns.</summary>
    public static Batch Deserialize(ReadOnlyMemory<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new BatchFormatException($"message is not JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number)
            {
                throw new BatchFormatException("message is not a batch envelope (no 'version')");
            }

            if (version.GetInt32() != Version)
            {
                throw new BatchFormatException($"unknown batch envelope version {version.GetInt32()} (this build reads version {Version})");
            }

            try
            {
                var schemaElement = root.GetProperty("schema");
                var columns = schemaElement.GetProperty("columns").EnumerateArray()
                    .Select(c => new ColumnSchema(c.GetProperty("name").GetString()!, Enum.Parse<ColumnType>(c.GetProperty("type").GetString()!, ignoreCase: true)))
                    .ToList();
                var schema = new StreamSchema(
                    root.GetProperty("stream").GetString()!,
                    columns,
                    schemaElement.GetProperty("primaryKey").EnumerateArray().Select(k => k.GetString()!).ToList(),
                    schemaElement.TryGetProperty("cursorField", out var cf) ? cf.GetString() : null);
                var deleted = root.TryGetProperty("deleted", out var d) ? d.EnumerateArray().Select(e => e.GetInt32()).ToHashSet() : [];
                var records = new List<SourceRecord>(root.GetProperty("rows").GetArrayLength());
                var index = 0;
                foreach (var row in root.GetProperty("rows").EnumerateArray())
                {
                    var values = new object?[columns.Count];
                    var c = 0;
                    foreach (var cell in row.EnumerateArray())
                    {
                        values[c] = ReadValue(columns[c].Type, cell);
                        c++;
                    }

                    records.Add(new SourceRecord(values, deleted.Contains(index++)));
                }

                var isProtected = root.TryGetProperty("protected", out var p) && p.ValueKind == JsonValueKind.True;
                var quarantined = isProtected && root.TryGetProperty("quarantined", out var q)
                    ? q.EnumerateArray().Select(r => new Ingest.QuarantinedRow(r.GetProperty("rule").GetString()!, r.GetProperty("reason").GetString()!, r.GetProperty("row").GetString()!)).ToList()
                    : null;
                var cursor = root.GetProperty("cursor");
                return new Batch(
                    root.GetProperty("batchId").GetString()!,
                    root.GetProperty("runId").GetGuid(),
                    root.GetProperty("source").GetString()!,
                    schema.Name,
                    schema,
                    records,
                    cursor.GetProperty("from").GetString(),
                    cursor.GetProperty("to").GetString(),
                    root.GetProperty("sequence").GetInt32(),
                    root.GetProperty("createdAt").GetDateTimeOffset(),
                    isProtected,
                    quarantined)
                {
                    TraceParent = root.TryGetProperty("traceparent", out var traceParent) && traceParent.ValueKind == JsonValueKind.String ? traceParent.GetString() : null,
                };
            }
            catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException or IndexOutOfRangeException)
            {
                throw new BatchFormatException($"batch envelope v1 is malformed: {ex.Message}");
            }
        }
    }

    public static void WriteValue(Utf8JsonWriter writer, ColumnType type, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s when type == ColumnType.Json:
                writer.WriteStringValue(s);
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case decimal m:
                // Strings keep every digit; JSON numbers would round through double in many readers.
                writer.WriteStringValue(m.ToString(CultureInfo.InvariantCulture));
                break;
            case NumericText n:
                writer.WriteStringValue(n.Value);
                break;
            case double f when double.IsFinite(f):
                writer.WriteNumberValue(f);
                break;
            case double f:
                // JSON has no NaN or Infinity; a string carries them ("NaN", "Infinity", "-Infinity", PostgreSQL's spellings).
                writer.WriteStringValue(CellText.Format(f));
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case DateOnly date:
                writer.WriteStringValue(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
            case TimeOnly time:
                writer.WriteStringValue(time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset dto:
                writer.WriteStringValue(dto);
                break;
            case DateTime dt:
                writer.WriteStringValue(new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)));
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    public static object? ReadValue(ColumnType type, JsonElement cell)
    {
        if (cell.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return type switch
        {
            ColumnType.Integer => cell.ValueKind == JsonValueKind.Number ? cell.GetInt64() : long.Parse(cell.GetString()!, CultureInfo.InvariantCulture),
            ColumnType.Decimal => NumericText.Parse(cell.ValueKind == JsonValueKind.Number ? cell.GetRawText() : cell.GetString()!),
            ColumnType.Double => cell.ValueKind == JsonValueKind.Number ? cell.GetDouble() : double.Parse(cell.GetString()!, CultureInfo.InvariantCulture),
            ColumnType.Boolean => cell.GetBoolean(),
            ColumnType.Date => DateOnly.ParseExact(cell.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            ColumnType.Time => TimeOnly.Parse(cell.GetString()!, CultureInfo.InvariantCulture),
            ColumnType.Timestamp => cell.GetDateTimeOffset(),
            ColumnType.Json => cell.ValueKind == JsonValueKind.String ? cell.GetString() : cell.GetRawText(),
            _ => cell.ValueKind == JsonValueKind.String ? cell.GetString() : cell.GetRawText(),
        };
    }
}
