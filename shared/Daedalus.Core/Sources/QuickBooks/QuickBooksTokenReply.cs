using System.Text.Json.Serialization;

namespace Daedalus.Sources.QuickBooks;

/// <summary>The token endpoint's reply (the fields the plugin uses).</summary>
public sealed record QuickBooksTokenReply(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken,
    [property: JsonPropertyName("expires_in")] long? ExpiresIn);
