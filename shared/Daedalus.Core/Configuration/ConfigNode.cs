namespace Daedalus.Configuration;

/// <summary>
/// A YAML node that remembers where it came from (file and line), so errors found after overlays
/// and environment overrides are merged still point at the line a user must edit.
/// </summary>
public sealed class ConfigNode
{
    private ConfigNode(string origin, int? line)
    {
        Origin = origin;
        Line = line;
    }

    public string Origin { get; }

    public int? Line { get; }

    public string? Scalar { get; private init; }

    public bool IsNull { get; private init; }

    public Dictionary<string, ConfigNode>? Map { get; private init; }

    public List<ConfigNode>? List { get; private init; }

    public static ConfigNode ScalarNode(string? value, string origin, int? line, bool isNull = false) =>
        new(origin, line) { Scalar = value, IsNull = isNull };

    public static ConfigNode MapNode(string origin, int? line) =>
        new(origin, line) { Map = new Dictionary<string, ConfigNode>(StringComparer.OrdinalIgnoreCase) };

    public static ConfigNode ListNode(string origin, int? line) => new(origin, line) { List = [] };

    public string Kind => Map is not null ? "mapping" : List is not null ? "list" : "value";

    /// <summary>Overlay semantics: mappings merge key by key; values and lists replace.</summary>
    public static ConfigNode Merge(ConfigNode baseNode, ConfigNode overlay)
    {
        if (baseNode.Map is null || overlay.Map is null)
        {
            return overlay;
        }

        var merged = MapNode(baseNode.Origin, baseNode.Line);
        foreach (var (key, value) in baseNode.Map)
        {
            merged.Map![key] = value;
        }

        foreach (var (key, value) in overlay.Map)
        {
            merged.Map![key] = merged.Map.TryGetValue(key, out var existing) ? Merge(existing, value) : value;
        }

        return merged;
    }
}
