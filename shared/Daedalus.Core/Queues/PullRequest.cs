using System.Text.Json;
using Daedalus.Batching;

namespace Daedalus.Queues;

/// <summary>
/// One pull of one source, as it travels on the pull queue (<c>daedalus-pulls</c>): the run it belongs to (created
/// <c>queued</c> before the request is sent), the source, who asked (<c>schedule</c> or the API caller), which part
/// of the run it is (1 for the request itself, n + 1 for the continuation a time-limited part n enqueues) and the
/// index of the stream the part starts at. The payload is JSON, base64 on the wire like batch messages.
/// </summary>
public sealed record PullRequest(Guid RunId, string Source, string Trigger, int Part, int Stream)
{
    /// <summary>The <c>kind</c> field, so a pull request put on the batch queue by mistake is refused by name.</summary>
    public const string Kind = "pull";

    public const int Version = 1;

    /// <summary>W3C traceparent of the span that sent the request (optional field <c>traceparent</c>): the pull continues that trace.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The next part of the same run, starting at <paramref name="stream"/>.</summary>
    public PullRequest Continue(int stream) => this with { Part = Part + 1, Stream = stream };

    public byte[] Serialize()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", Kind);
            writer.WriteNumber("version", Version);
            writer.WriteString("runId", RunId);
            writer.WriteString("source", Source);
            writer.WriteString("trigger", Trigger);
            writer.WriteNumber("part", Part);
            writer.WriteNumber("stream", Stream);
            if (TraceParent is { } traceParent)
            {
                writer.WriteString("traceparent", traceParent);
            }
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a decoded payload; <see cref="BatchFormatException"/> (poison at once) when it is not a v1 pull request.</summary>
    public static PullRequest Deserialize(ReadOnlySpan<byte> payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new BatchFormatException("pull request is not a JSON object");
            }

            string? Text(string name) => root.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            int? Number(string name) => root.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var n) ? n : null;
            if (Text("kind") != Kind)
            {
                throw new BatchFormatException($"message is not a pull request (kind '{Text("kind")}', expected '{Kind}')");
            }

            if (Number("version") != Version)
            {
                throw new BatchFormatException($"pull request version {Number("version")?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(missing)"} is not supported (expected {Version})");
            }

            if (!Guid.TryParse(Text("runId"), out var runId) || Text("source") is not { Length: > 0 } source || Text("trigger") is not { Length: > 0 } trigger
                || Number("part") is not ({ } part and >= 1) || Number("stream") is not ({ } stream and >= 0))
            {
                throw new BatchFormatException("pull request needs runId (uuid), source, trigger, part (>= 1) and stream (>= 0)");
            }

            return new PullRequest(runId, source, trigger, part, stream) { TraceParent = Text("traceparent") };
        }
        catch (JsonException ex)
        {
            throw new BatchFormatException($"pull request is not JSON: {ex.Message}");
        }
    }
}
