namespace Daedalus.Client;

/// <summary>
/// A webhook channel as daedalus.yaml and the API spell it: <c>format</c> generic, teams or slack;
/// <c>url</c> the name of the secret holding the webhook URL (never the URL); <c>events</c> the
/// kinds to send (run_failed, run_partial, batch_poisoned, source_stale, recovered, anomaly; omitted: all).
/// </summary>
public sealed record NotificationChannelSpec
{
    public string? Format { get; init; }

    public required string Url { get; init; }

    public List<string>? Events { get; init; }
}
