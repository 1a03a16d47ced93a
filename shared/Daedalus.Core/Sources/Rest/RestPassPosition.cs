using System.Text.Json.Serialization;

namespace Daedalus.Sources.Rest;

/// <summary>Where an unfinished pass is: the cursor value it asked from, the largest seen, the next request's URL.</summary>
public sealed record RestPassPosition(
    [property: JsonPropertyName("since")] string? Since,
    [property: JsonPropertyName("max")] string? Max,
    [property: JsonPropertyName("next")] string Next);
