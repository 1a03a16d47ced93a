namespace Daedalus.Alerting;

/// <summary>
/// A webhook to notify: <see cref="Format"/> is generic, teams or slack (<see cref="WebhookFormats"/>);
/// <see cref="Url"/> is the name of the secret holding the webhook URL (a Slack or Teams webhook URL is a
/// credential), never the URL itself; <see cref="Events"/> filters by <see cref="NotificationKinds"/> (empty: all).
/// </summary>
public sealed class NotificationChannelDefinition
{
    public string Name { get; set; } = "";

    public string Format { get; set; } = WebhookFormats.Generic;

    public string Url { get; set; } = "";

    public List<string> Events { get; set; } = [];

    public bool Accepts(string kind) => Events.Count == 0 || Events.Contains(kind, StringComparer.OrdinalIgnoreCase);
}
