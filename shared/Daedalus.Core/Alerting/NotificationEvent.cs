namespace Daedalus.Alerting;

/// <summary>
/// Something worth telling people about. <see cref="Key"/> identifies the event itself (e.g.
/// <c>run:{id}:failed</c>): the outbox keeps one notification per key and channel, so reporting the same event
/// again (a retry, a restart) sends nothing new. <see cref="Severity"/> is error, warning or info. Texts name
/// sources, streams and metrics, never a row's values.
/// </summary>
public sealed record NotificationEvent(
    string Key,
    string Kind,
    string Severity,
    string? Source,
    string Title,
    string Text,
    DateTimeOffset OccurredAt,
    Guid? RunId,
    IReadOnlyList<NotificationFact> Facts)
{
    public const string Error = "error";
    public const string Warning = "warning";
    public const string Info = "info";
}
