using System.Text.Json.Serialization;
using Daedalus.Alerting;

namespace Daedalus.Configuration;

/// <summary>One configured source: which plugin, when it runs, its settings, secret names and streams.</summary>
public sealed class SourceDefinition
{
    public string Name { get; set; } = "";

    public string Plugin { get; set; } = "";

    public bool Enabled { get; set; } = true;

    /// <summary>6-field NCRONTAB (seconds first), UTC.</summary>
    public string Schedule { get; set; } = "0 */15 * * * *";

    public ActiveWindow? Window { get; set; }

    /// <summary>When the source retires (UTC instant): from then on the scheduler no longer pulls it and marks it retired. Null: never.</summary>
    public DateTimeOffset? RetireAt { get; set; }

    [JsonObjectCreationHandling(JsonObjectCreationHandling.Populate)]
    public Dictionary<string, string> Settings { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Logical secret name → key in the secret store. Values are references, never secrets.</summary>
    [JsonObjectCreationHandling(JsonObjectCreationHandling.Populate)]
    public Dictionary<string, string> Secrets { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public List<StreamDefinition> Streams { get; set; } = [];

    public List<MetricRuleDefinition> Metrics { get; set; } = [];

    /// <summary>This source's own webhook channels, notified besides the global ones.</summary>
    public List<NotificationChannelDefinition> Notifications { get; set; } = [];

    /// <summary>
    /// Where the source was declared: null for daedalus.yaml, <see cref="TablesFile.Origin"/> for an entry of
    /// <c>tables.yaml</c>, which <c>sources export</c> writes back in that shape.
    /// </summary>
    public string? Origin { get; set; }

    public StreamDefinition? FindStream(string name) =>
        Streams.Find(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
