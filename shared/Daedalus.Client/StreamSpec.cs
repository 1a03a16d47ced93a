namespace Daedalus.Client;

/// <summary>One stream of a source. Every field is optional; the plugin supplies the defaults.</summary>
public sealed record StreamSpec
{
    /// <summary>full or incremental (default).</summary>
    public string? Mode { get; init; }

    public List<string>? PrimaryKey { get; init; }

    public string? Cursor { get; init; }

    public TargetSpec? Target { get; init; }

    public Dictionary<string, string>? Rename { get; init; }

    public List<QaRuleSpec>? Qa { get; init; }

    /// <summary>Column → encrypt or hash.</summary>
    public Dictionary<string, string>? Protect { get; init; }

    /// <summary>Plugin settings: values are strings, numbers or booleans (kept as text).</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(SettingValuesJsonConverter))]
    public Dictionary<string, string>? Settings { get; init; }

    /// <summary>Compress this stream's claim-check payloads (large batches parked in blob storage). Default false.</summary>
    public bool? Compression { get; init; }
}
