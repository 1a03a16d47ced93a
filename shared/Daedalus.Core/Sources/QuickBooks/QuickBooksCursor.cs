using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Daedalus.Sources.QuickBooks;

/// <summary>
/// Where a stream's pull resumes; two independent positions, because the data and the deletes are read from
/// different clocks. <see cref="Watermark"/> is the newest <c>MetaData.LastUpdatedTime</c> stored so far (where
/// the next query starts). <see cref="DeletesSince"/> is the CDC checkpoint: where the next CDC look-up for
/// deletes starts. After a completed pass it is the time that pass began (the server's clock, or ours if
/// earlier) minus <see cref="QuickBooksSourcePlugin.CheckpointOverlap"/>, so it keeps moving even when no row
/// changes and deletes are seen whatever the age of the data. While a pass is under way it is the checkpoint the
/// pass started from (or, between CDC answers, how far CDC got). <see cref="Position"/> and <see cref="Phase"/>
/// are for diagnosis only: a resumed pass restarts at the watermark, because rows updated meanwhile shift positions.
/// <para>
/// Older versions stored only the watermark (<c>{"watermark":…}</c>, or a plain ISO timestamp set by hand); such a
/// cursor has no checkpoint (<see cref="DeletesSince"/> null), and the plugin then asks CDC for everything it still
/// holds (30 days). JSON names are unchanged from those versions, so their in-progress cursors keep their meaning.
/// </para>
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

    /// <summary>A cursor stored before CDC checkpoints existed: a watermark, but no idea where CDC left off.</summary>
    [JsonIgnore]
    public bool LacksCheckpoint => Watermark is not null && DeletesSince is null;

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
