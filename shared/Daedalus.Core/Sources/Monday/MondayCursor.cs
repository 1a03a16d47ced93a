using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Daedalus.Sources.Monday;

/// <summary>
/// Where a board's pull resumes. <see cref="Watermark"/> is the newest <c>updated_at</c> stored so far. While a
/// pass over the board is under way, <see cref="Page"/> is monday's <c>next_items_page</c> cursor (valid 60
/// minutes from <see cref="PageStartedAt"/>) and <see cref="PassSince"/> the lower bound that pass filters on.
/// A plain ISO timestamp is accepted too (a hand-set watermark).
/// </summary>
public sealed record MondayCursor(
    [property: JsonPropertyName("watermark")] DateTimeOffset? Watermark,
    [property: JsonPropertyName("page")] string? Page,
    [property: JsonPropertyName("pageStartedAt")] DateTimeOffset? PageStartedAt,
    [property: JsonPropertyName("passSince")] DateTimeOffset? PassSince)
{
    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static MondayCursor? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!text.TrimStart().StartsWith('{'))
        {
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var watermark)
                ? new MondayCursor(watermark.ToUniversalTime(), null, null, null)
                : throw new SourceException($"the stored monday cursor '{text}' is neither a cursor object nor an ISO timestamp; reset the stream's cursor");
        }

        try
        {
            return JsonSerializer.Deserialize<MondayCursor>(text, Options);
        }
        catch (JsonException ex)
        {
            throw new SourceException($"the stored monday cursor is not valid ({ex.Message}); reset the stream's cursor", ex);
        }
    }
}
