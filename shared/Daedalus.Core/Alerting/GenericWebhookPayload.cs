using System.Text.Json;
using System.Text.Json.Nodes;

namespace Daedalus.Alerting;

/// <summary>
/// The generic JSON body: <c>{"type":"daedalus.notification","version":1,"key","kind","severity","source",
/// "title","text","occurredAt","runId","facts":[{"name","value"}]}</c>. <c>key</c> is stable across retries, so
/// a receiver can drop a repeat.
/// </summary>
public static class GenericWebhookPayload
{
    public const string Type = "daedalus.notification";

    public static JsonObject Render(NotificationEvent notification) => new()
    {
        ["type"] = Type,
        ["version"] = 1,
        ["key"] = notification.Key,
        ["kind"] = notification.Kind,
        ["severity"] = notification.Severity,
        ["source"] = notification.Source,
        ["title"] = notification.Title,
        ["text"] = notification.Text,
        ["occurredAt"] = notification.OccurredAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["runId"] = notification.RunId?.ToString(),
        ["facts"] = new JsonArray([.. notification.Facts.Select(f => (JsonNode)new JsonObject { ["name"] = f.Name, ["value"] = f.Value })]),
    };

    /// <summary>Reads a generic body back (for receivers written in .NET, and the tests).</summary>
    public static JsonElement Parse(byte[] body) => JsonDocument.Parse(body).RootElement.Clone();
}
