using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Daedalus.Sources.QuickBooks;

/// <summary>
/// Where a stream's pull resumes. <see cref="Watermark"/> is the newest <c>MetaData.LastUpdatedTime</c> stored
/// so far. While a pass is under way, <see cref="DeletesSince"/> is where that pass's CDC look-up for deletes
/// starts (the watermark the pass began from), and <see cref="Position"/> the next STARTPOSITION (kept for
/// diagnosis only: a resumed pass restarts at the watermark, because rows updated meanwhile shift positions).
/// A plain ISO timestamp is accepted too (a hand-set watermark).
/// </summary>
public sealed record QuickBooksCursor(
    [property: JsonPropertyName("watermark")] DateTimeOffset? Watermark,
    [property: JsonPropertyName("deletesSince")] DateTimeOffset? DeletesSince = null,
    [property: JsonPropertyName("position")] int? Position = null,
    [property: JsonPropertyName("phase")] string? Phase = null)
{
    public const string QueryPhase = "query";
    public const string DeletesPhase = "cdc";

    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static QuickBooksCursor? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!text.TrimStart().StartsWith('{'))
        {
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var watermark)
                ? new QuickBooksCursor(watermark.ToUniversalTime())
                : throw new SourceException($"the stored QuickBooks cursor '{text}' is neither a cursor object nor an ISO timestamp; reset the stream's cursor");
        }

        try
        {
            return JsonSerializer.Deserialize<QuickBooksCursor>(text, Options);
        }
        catch (JsonException ex)
        {
            throw new SourceException($"the stored QuickBooks cursor is not valid ({ex.Message}); reset the stream's cursor", ex);
        }
    }
}
