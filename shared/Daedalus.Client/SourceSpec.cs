namespace Daedalus.Client;

/// <summary>
/// A source as the API reads and writes it: the same shape as a source in <c>daedalus.yaml</c>.
/// <see cref="Secrets"/> maps a logical name to a secret store key: references only, never secret values.
/// </summary>
public sealed record SourceSpec
{
    /// <summary>Required on create (POST); on replace (PUT) it must match the route or be omitted.</summary>
    public string? Name { get; init; }

    public required string Plugin { get; init; }

    public bool? Enabled { get; init; }

    /// <summary>6-field NCRONTAB (seconds first), UTC. Default: every 15 minutes.</summary>
    public string? Schedule { get; init; }

    public WindowSpec? Window { get; init; }

    public Dictionary<string, string>? Settings { get; init; }

    public Dictionary<string, string>? Secrets { get; init; }

    /// <summary>Stream name → stream, as in the YAML.</summary>
    public required Dictionary<string, StreamSpec?> Streams { get; init; }

    public List<MetricRuleSpec>? Metrics { get; init; }

    /// <summary>This source's own webhook channels (name → channel), notified besides the global ones.</summary>
    public Dictionary<string, NotificationChannelSpec>? Notifications { get; init; }

    /// <summary>Where the source was declared: null for daedalus.yaml, <c>tables.yaml</c> for an entry of a table list (export writes it back there).</summary>
    public string? Origin { get; init; }
}
