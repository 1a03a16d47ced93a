using System.Text.Json.Nodes;

namespace Daedalus.Alerting;

/// <summary>
/// The Teams body: a <c>message</c> whose single attachment is an Adaptive Card
/// (<c>contentType: application/vnd.microsoft.card.adaptive</c>, card <c>version</c> 1.4), the shape both Teams
/// incoming webhooks and the Workflows "post to a channel when a webhook request is received" template accept:
/// a title TextBlock (red for errors, amber for warnings), the text, and a FactSet.
/// </summary>
public static class TeamsWebhookPayload
{
    public const string CardContentType = "application/vnd.microsoft.card.adaptive";

    public static JsonObject Render(NotificationEvent notification)
    {
        var color = notification.Severity switch
        {
            NotificationEvent.Error => "Attention",
            NotificationEvent.Warning => "Warning",
            _ => "Good",
        };
        var body = new JsonArray
        {
            new JsonObject { ["type"] = "TextBlock", ["text"] = notification.Title, ["weight"] = "Bolder", ["size"] = "Medium", ["color"] = color, ["wrap"] = true },
            new JsonObject { ["type"] = "TextBlock", ["text"] = notification.Text, ["wrap"] = true },
        };
        if (notification.Facts.Count > 0)
        {
            body.Add(new JsonObject
            {
                ["type"] = "FactSet",
                ["facts"] = new JsonArray([.. notification.Facts.Select(f => (JsonNode)new JsonObject { ["title"] = f.Name, ["value"] = f.Value })]),
            });
        }

        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray
            {
                new JsonObject
                {
                    ["contentType"] = CardContentType,
                    ["contentUrl"] = null,
                    ["content"] = new JsonObject
                    {
                        ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                        ["type"] = "AdaptiveCard",
                        ["version"] = "1.4",
                        ["body"] = body,
                    },
                },
            },
        };
    }
}
