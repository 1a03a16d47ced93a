using System.Text.Json.Serialization;

namespace Daedalus.Sources.Rest;

/// <summary>An OAuth 2.0 token endpoint's answer (RFC 6749 §5.1).</summary>
public sealed record RestTokenReply(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("expires_in")] long? ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken);
