using System.Text.Json.Nodes;

namespace Daedalus.Alerting;

/// <summary>
/// The Slack incoming-webhook body: <c>text</c> (the notification fallback) plus Block Kit <c>blocks</c>: a
/// <c>header</c> (plain_text, at most 150 characters), a <c>section</c> with the text as mrkdwn and, when there
/// are facts, a <c>section</c> with up to 10 mrkdwn <c>fields</c> (Slack's limit). <c>&amp;</c>, <c>&lt;</c> and
/// <c>&gt;</c> are escaped as Slack requires, so no name can turn into a link or an @channel.
/// </summary>
public static class SlackWebhookPayload
{
    private const int HeaderLimit = 150;
    private const int SectionLimit = 3000;
    private const int FieldLimit = 10;

    public static JsonObject Render(NotificationEvent notification)
    {
        var icon = notification.Severity switch
        {
            NotificationEvent.Error => ":red_circle:",
            NotificationEvent.Warning => ":large_orange_circle:",
            _ => ":large_green_circle:",
        };
        var blocks = new JsonArray
        {
            new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Truncate(notification.Title, HeaderLimit) } },
            new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Truncate($"{icon} {Escape(notification.Text)}", SectionLimit) } },
        };
        if (notification.Facts.Count > 0)
        {
            blocks.Add(new JsonObject
            {
                ["type"] = "section",
                ["fields"] = new JsonArray([.. notification.Facts.Take(FieldLimit).Select(f => (JsonNode)new JsonObject { ["type"] = "mrkdwn", ["text"] = Truncate($"*{Escape(f.Name)}*\n{Escape(f.Value)}", 2000) })]),
            });
        }

        return new JsonObject
        {
            ["text"] = Truncate($"{Escape(notification.Title)}: {Escape(notification.Text)}", SectionLimit),
            ["blocks"] = blocks,
        };
    }

    internal static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Truncate(string text, int limit) => text.Length <= limit ? text : text[..(limit - 1)] + "…";
}
