namespace Daedalus.Client;

/// <summary>
/// A source as the API reads and writes it: the same shape as a source in <c>daedalus.yaml</c>.
/// <c>secrets</c> maps a logical name to a secret store key: references only, never secret values.
/// </summary>
public sealed record SourceSpec
{
    /// <summary>Required on create (POST); on replace (PUT) it must match the route or be omitted.</summary>
    public string? Name { get; init; }

    /// <summary>The plugin that reads the source: sample, monday, quickbooks, snowflake.</summary>
    public required string Plugin { get; init; }

    /// <summary>Whether the scheduler pulls it. Default: true.</summary>
    public bool? Enabled { get; init; }

    /// <summary>6-field NCRONTAB (seconds first), UTC. Default: every 15 minutes.</summary>
    public string? Schedule { get; init; }

    /// <summary>Times of day (UTC) between which scheduled pulls may start.</summary>
    public WindowSpec? Window { get; init; }

    /// <summary>When the source retires (ISO 8601 instant): from then on it is no longer pulled and is marked retired. Omitted: never.</summary>
    public DateTimeOffset? RetireAt { get; init; }

    /// <summary>Plugin settings: values are strings, numbers or booleans (kept as text).</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(SettingValuesJsonConverter))]
    public Dictionary<string, string>? Settings { get; init; }

    /// <summary>Logical secret name to the key in the secret store: references only, never secret values.</summary>
    public Dictionary<string, string>? Secrets { get; init; }

    /// <summary>Stream name → stream, as in the YAML.</summary>
    public required Dictionary<string, StreamSpec?> Streams { get; init; }

    /// <summary>Metric rules that turn this source's records into time-series points.</summary>
    public List<MetricRuleSpec>? Metrics { get; init; }

    /// <summary>This source's own webhook channels (name → channel), notified besides the global ones.</summary>
    public Dictionary<string, NotificationChannelSpec>? Notifications { get; init; }

    /// <summary>Where the source was declared: null for daedalus.yaml, <c>tables.yaml</c> for an entry of a table list (export writes it back there).</summary>
    public string? Origin { get; init; }
}
