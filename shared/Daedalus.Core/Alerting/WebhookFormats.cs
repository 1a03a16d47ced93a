using System.Text.Json;
using System.Text.Json.Nodes;

namespace Daedalus.Alerting;

/// <summary>The request body shapes a channel can speak, and the rendering of an event into one.</summary>
public static class WebhookFormats
{
    /// <summary>Daedalus's own JSON: the event as is (<see cref="GenericWebhookPayload"/>).</summary>
    public const string Generic = "generic";

    /// <summary>A message with one Adaptive Card, as Teams Workflows and incoming webhooks accept (<see cref="TeamsWebhookPayload"/>).</summary>
    public const string Teams = "teams";

    /// <summary><c>{"text": ..., "blocks": [...]}</c> for Slack incoming webhooks (<see cref="SlackWebhookPayload"/>).</summary>
    public const string Slack = "slack";

    public static readonly IReadOnlyList<string> All = [Generic, Teams, Slack];

    public static byte[] Render(string format, NotificationEvent notification)
    {
        JsonNode body = format switch
        {
            Teams => TeamsWebhookPayload.Render(notification),
            Slack => SlackWebhookPayload.Render(notification),
            _ => GenericWebhookPayload.Render(notification),
        };
        return JsonSerializer.SerializeToUtf8Bytes(body);
    }
}
