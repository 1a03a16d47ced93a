using System.Text.Json.Serialization;
using Daedalus.Sources;

namespace Daedalus.Configuration;

public sealed class StreamDefinition
{
    public string Name { get; set; } = "";

    public SyncMode Mode { get; set; } = SyncMode.Incremental;

    /// <summary>Overrides the plugin's primary key when set.</summary>
    public List<string> PrimaryKey { get; set; } = [];

    /// <summary>Overrides the plugin's cursor field when set.</summary>
    public string? Cursor { get; set; }

    public TargetTable Target { get; set; } = new();

    /// <summary>Source column → target column.</summary>
    [JsonObjectCreationHandling(JsonObjectCreationHandling.Populate)]
    public Dictionary<string, string> Rename { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public List<QaRuleDefinition> Qa { get; set; } = [];

    /// <summary>Source column → how it is protected before it is stored.</summary>
    [JsonObjectCreationHandling(JsonObjectCreationHandling.Populate)]
    public Dictionary<string, ProtectionMode> Protect { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Plugin-specific stream settings (a board id, a table, a query...).</summary>
    [JsonObjectCreationHandling(JsonObjectCreationHandling.Populate)]
    public Dictionary<string, string> Settings { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Compress this stream's claim-check payloads (batches too large for a queue message, parked as blobs). Recorded
    /// here for the queue path to act on; from tables.yaml's <c>compression: true</c> or daedalus.yaml's <c>compression:</c>.
    /// </summary>
    public bool Compression { get; set; }
}
