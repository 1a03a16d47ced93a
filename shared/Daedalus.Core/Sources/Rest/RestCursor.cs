using System.Text.Json;
using System.Text.Json.Serialization;

namespace Daedalus.Sources.Rest;

/// <summary>
/// A rest stream's stored cursor. <see cref="Watermark"/> is the largest cursor value of the last finished pass
/// (the next pass asks from it, less the lookback). While a pass is under way, <see cref="Pass"/> holds where it is:
/// the value it asked from, the largest value seen so far and the next request (URL without credentials), so a pull
/// ended early by a rate limit resumes at that page. The watermark only moves when a pass ends, so records in any
/// order are never skipped. Child streams keep their parent's values here.
/// </summary>
public sealed record RestCursor(
    [property: JsonPropertyName("watermark")] string? Watermark,
    [property: JsonPropertyName("pass")] RestPassPosition? Pass)
{
    public static RestCursor? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<RestCursor>(json);
        }
        catch (JsonException ex)
        {
            throw new SourceException($"the stored cursor is not a rest plugin cursor ({ex.Message}); reset the stream to start over", ex);
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this);
}
