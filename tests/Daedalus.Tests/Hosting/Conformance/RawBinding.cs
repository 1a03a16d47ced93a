using System.Text.Json;
using Daedalus.Tests.Hosting.Conformance.Rpc;

namespace Daedalus.Tests.Hosting.Conformance;

/// <summary>
/// One binding as the worker describes it in its metadata (a <c>raw_bindings</c> JSON object, function.json's
/// shape): name, type, direction, and the trigger's own settings (queue name, route, methods, auth level...).
/// </summary>
public sealed record RawBinding(string Name, string Type, BindingInfo.Types.Direction Direction, JsonElement Json)
{
    public static RawBinding Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement.Clone();
        var direction = String(root, "direction")?.ToLowerInvariant() switch
        {
            "out" => BindingInfo.Types.Direction.Out,
            "inout" => BindingInfo.Types.Direction.Inout,
            _ => BindingInfo.Types.Direction.In,
        };
        return new RawBinding(String(root, "name") ?? "", String(root, "type") ?? "", direction, root);
    }

    public bool IsTrigger => Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase);

    /// <summary>A setting of the binding, matched case-insensitively as the host reads function.json.</summary>
    public string? Setting(string name) => String(Json, name);

    /// <summary>HTTP methods of an httpTrigger (empty: any).</summary>
    public IReadOnlyList<string> Methods =>
        Property(Json, "methods") is { ValueKind: JsonValueKind.Array } methods
            ? [.. methods.EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant())]
            : [];

    /// <summary>The binding's <c>properties</c> bag, e.g. <c>supportsDeferredBinding</c>.</summary>
    public string? Property(string name) =>
        Property(Json, "properties") is { ValueKind: JsonValueKind.Object } properties ? String(properties, name) : null;

    /// <summary>The load request's view of the binding, as the host builds it from function metadata.</summary>
    public BindingInfo ToBindingInfo()
    {
        var info = new BindingInfo { Type = Type, Direction = Direction };
        info.DataType = Setting("dataType")?.ToLowerInvariant() switch
        {
            "string" => BindingInfo.Types.DataType.String,
            "binary" => BindingInfo.Types.DataType.Binary,
            "stream" => BindingInfo.Types.DataType.Stream,
            _ => BindingInfo.Types.DataType.Undefined,
        };
        return info;
    }

    private static JsonElement? Property(JsonElement element, string name) =>
        element.EnumerateObject().Where(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Select(p => (JsonElement?)p.Value).FirstOrDefault();

    private static string? String(JsonElement element, string name) =>
        Property(element, name) is { } value ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.ToString() : null;
}
