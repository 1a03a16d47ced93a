using System.Text.Json;
using System.Text.Json.Serialization;

namespace Daedalus.Client;

/// <summary>The wire format both sides use: camelCase, enums as camelCase strings, nulls omitted, unknown fields rejected.</summary>
public static class DaedalusJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            AllowDuplicateProperties = false,
            RespectNullableAnnotations = true,
            MaxDepth = 32,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
