namespace Daedalus.Client;

/// <summary>The global notification channels (top-level <c>notifications:</c> of daedalus.yaml): channel name → channel.</summary>
public sealed record NotificationSettings
{
    public required Dictionary<string, NotificationChannelSpec> Channels { get; init; }
}
