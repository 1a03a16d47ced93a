using Daedalus.Configuration;

namespace Daedalus.Sources.Rest;

/// <summary>
/// <c>settings.auth</c>: the kind, where an API key goes (<see cref="KeyInQuery"/>, parameter or header
/// <see cref="KeyName"/>), and for OAuth the token endpoint, scope and whether the client id/secret travel in the
/// form body instead of HTTP basic.
/// </summary>
public sealed record RestAuthSettings(RestAuthKind Kind, string KeyName, bool KeyInQuery, Uri? TokenUrl, string? Scope, bool ClientInBody)
{
    public const string TokenSecret = "token";
    public const string ApiKeySecret = "api_key";
    public const string UsernameSecret = "username";
    public const string PasswordSecret = "password";
    public const string ClientIdSecret = "client_id";
    public const string ClientSecretSecret = "client_secret";
    public const string RefreshTokenSecret = "refresh_token";

    private static readonly Dictionary<string, RestAuthKind> Kinds = new()
    {
        ["none"] = RestAuthKind.None,
        ["bearer"] = RestAuthKind.Bearer,
        ["api_key"] = RestAuthKind.ApiKey,
        ["basic"] = RestAuthKind.Basic,
        ["oauth_client_credentials"] = RestAuthKind.OAuthClientCredentials,
        ["oauth_refresh_token"] = RestAuthKind.OAuthRefreshToken,
    };

    internal static RestAuthSettings From(RestSettingReader reader)
    {
        var kind = reader.Choice("auth.type", RestAuthKind.None, Kinds);
        var location = reader.Choice("auth.in", false, new Dictionary<string, bool> { ["header"] = false, ["query"] = true });
        var name = reader.Text("auth.name") ?? (location ? "api_key" : "X-API-Key");
        Uri? tokenUrl = null;
        var tokenText = reader.Text("auth.tokenUrl");
        if (reader.RefuseCredentialUrl("auth.tokenUrl", tokenText))
        {
            // Refused whatever the kind, without echoing: the URL carries a credential.
        }
        else if (kind is RestAuthKind.OAuthClientCredentials or RestAuthKind.OAuthRefreshToken)
        {
            if (tokenText is null)
            {
                reader.Error("auth.tokenUrl", "required for OAuth (the token endpoint's absolute URL)");
            }
            else if (!Uri.TryCreate(tokenText, UriKind.Absolute, out tokenUrl) || tokenUrl.Scheme is not ("https" or "http"))
            {
                reader.Error("auth.tokenUrl", $"{ErrorText.Quote(tokenText)} is not an absolute http(s) URL");
                tokenUrl = null;
            }
        }

        var scope = reader.Text("auth.scope");
        var inBody = reader.Choice("auth.clientAuth", false, new Dictionary<string, bool> { ["basic"] = false, ["body"] = true });
        return new RestAuthSettings(kind, name, location, tokenUrl, scope, inBody);
    }

    /// <summary>The logical secret names this kind reads (all must be in the store, except a public client's secret).</summary>
    public IReadOnlyList<string> SecretNames => Kind switch
    {
        RestAuthKind.Bearer => [TokenSecret],
        RestAuthKind.ApiKey => [ApiKeySecret],
        RestAuthKind.Basic => [UsernameSecret, PasswordSecret],
        RestAuthKind.OAuthClientCredentials => [ClientIdSecret, ClientSecretSecret],
        RestAuthKind.OAuthRefreshToken => [ClientIdSecret, ClientSecretSecret, RefreshTokenSecret],
        _ => [],
    };
}
