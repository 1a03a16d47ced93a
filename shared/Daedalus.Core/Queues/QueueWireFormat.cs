using System.Text.Json;
using Daedalus.Batching;

namespace Daedalus.Queues;

/// <summary>
/// How messages look on the queue. Bodies are base64 text, the Functions host's default queue encoding, so
/// the QueueTrigger and the self-host read the same messages. The decoded payload is either a batch envelope
/// (v1), or a claim-check reference (same <c>version</c>, <c>batchId</c>, <c>source</c>, <c>stream</c>, plus
/// <c>claimCheck</c>: container, blob, stored bytes and, for compressed blobs, <c>encoding</c> and <c>envelopeBytes</c>). Poison entries wrap the original body with the error under <c>poison</c>.
/// </summary>
public static class QueueWireFormat
{
    public static string Encode(ReadOnlySpan<byte> payload) => Convert.ToBase64String(payload);

    public static byte[] Decode(BinaryData body)
    {
        var text = body.ToString();
        var buffer = new byte[text.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(text, buffer, out var written))
        {
            throw new BatchFormatException("message body is not base64 (both hosts use the Functions default queue encoding, base64)");
        }

        return buffer.AsSpan(0, written).ToArray();
    }

    public static byte[] ClaimCheckMessage(Batch batch, ClaimCheck claimCheck)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", BatchEnvelope.Version);
            writer.WriteString("batchId", batch.BatchId);
            writer.WriteString("source", batch.Source);
            writer.WriteString("stream", batch.Stream);
            writer.WriteStartObject("claimCheck");
            writer.WriteString("container", claimCheck.Container);
            writer.WriteString("blob", claimCheck.Blob);
            writer.WriteNumber("bytes", claimCheck.Bytes);
            if (claimCheck.Encoding is not null)
            {
                // Added within v1: older references have neither, and their blobs are plain JSON.
                writer.WriteString("encoding", claimCheck.Encoding);
                writer.WriteNumber("envelopeBytes", claimCheck.EnvelopeBytes);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Reads the top-level fields without materialising the rows; throws <see cref="BatchFormatException"/> when it is not JSON.</summary>
    public static MessageHeader ReadHeader(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new BatchFormatException("message is not a JSON object");
            }

            int? version = null;
            string? batchId = null, source = null, stream = null;
            ClaimCheck? claimCheck = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "version" when reader.TokenType == JsonTokenType.Number:
                        version = reader.TryGetInt32(out var v) ? v : null;
                        break;
                    case "batchId" when reader.TokenType == JsonTokenType.String:
                        batchId = reader.GetString();
                        break;
                    case "source" when reader.TokenType == JsonTokenType.String:
                        source = reader.GetString();
                        break;
                    case "stream" when reader.TokenType == JsonTokenType.String:
                        stream = reader.GetString();
                        break;
                    case "claimCheck" when reader.TokenType == JsonTokenType.StartObject:
                        claimCheck = ReadClaimCheck(ref reader);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return new MessageHeader(version, batchId, source, stream, claimCheck);
        }
        catch (JsonException ex)
        {
            throw new BatchFormatException($"message is not JSON: {ex.Message}");
        }
    }

    public static byte[] PoisonMessage(PoisonRecord record)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("poison");
            writer.WriteNumber("version", 1);
            writer.WriteString("error", record.Error);
            writer.WriteString("failedAt", record.FailedAt);
            writer.WriteNumber("dequeueCount", record.DequeueCount);
            writer.WriteString("originalMessageId", record.OriginalMessageId);
            writer.WriteString("batchId", record.BatchId);
            writer.WriteString("source", record.Source);
            writer.WriteString("stream", record.Stream);
            writer.WriteEndObject();
            if (record.Body is not null)
            {
                writer.WriteBase64String("body", record.Body);
            }
            else
            {
                writer.WriteString("bodyBlob", record.BodyBlob);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>A Daedalus poison entry, or null for anything else (e.g. a message the Functions host moved itself).</summary>
    public static PoisonRecord? ReadPoison(ReadOnlySpan<byte> payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("poison", out var poison) || poison.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            string? Text(string name) => poison.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            return new PoisonRecord(
                Text("error") ?? "(no error recorded)",
                poison.TryGetProperty("failedAt", out var at) && at.TryGetDateTimeOffset(out var failedAt) ? failedAt : DateTimeOffset.MinValue,
                poison.TryGetProperty("dequeueCount", out var count) && count.TryGetInt64(out var n) ? n : 0,
                Text("originalMessageId") ?? "",
                Text("batchId"),
                Text("source"),
                Text("stream"),
                root.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.String ? body.GetBytesFromBase64() : null,
                root.TryGetProperty("bodyBlob", out var blob) && blob.ValueKind == JsonValueKind.String ? blob.GetString() : null);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    private static ClaimCheck? ReadClaimCheck(ref Utf8JsonReader reader)
    {
        string? container = null, blob = null, encoding = null;
        long bytes = 0, envelopeBytes = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "container" when reader.TokenType == JsonTokenType.String:
                    container = reader.GetString();
                    break;
                case "blob" when reader.TokenType == JsonTokenType.String:
                    blob = reader.GetString();
                    break;
                case "bytes" when reader.TokenType == JsonTokenType.Number:
                    bytes = reader.GetInt64();
                    break;
                case "encoding" when reader.TokenType == JsonTokenType.String:
                    encoding = reader.GetString();
                    break;
                case "envelopeBytes" when reader.TokenType == JsonTokenType.Number:
                    envelopeBytes = reader.GetInt64();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (container is null || blob is null)
        {
            throw new BatchFormatException("claim-check reference needs 'container' and 'blob'");
        }

        if (encoding is not null && !string.Equals(encoding, ClaimCheckCodec.Gzip, StringComparison.OrdinalIgnoreCase))
        {
            throw new BatchFormatException($"claim-check encoding '{encoding}' is not supported (this build reads gzip and plain JSON)");
        }

        return new ClaimCheck(container, blob, bytes, encoding, envelopeBytes);
    }
}
