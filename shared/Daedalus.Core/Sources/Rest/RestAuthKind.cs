namespace Daedalus.Sources.Rest;

/// <summary>How the rest plugin authenticates; every credential is a secret named in the source's <c>secrets:</c>.</summary>
public enum RestAuthKind
{
    /// <summary>No credentials (public APIs).</summary>
    None,

    /// <summary><c>Authorization: Bearer</c> with secret <c>token</c>.</summary>
    Bearer,

    /// <summary>Secret <c>api_key</c> in a header or query parameter named by <c>auth.name</c>.</summary>
    ApiKey,

    /// <summary>HTTP basic with secrets <c>username</c> and <c>password</c>.</summary>
    Basic,

    /// <summary>OAuth 2.0 client credentials grant: secrets <c>client_id</c> and <c>client_secret</c>.</summary>
    OAuthClientCredentials,

    /// <summary>OAuth 2.0 refresh token grant: secret <c>refresh_token</c> (rotated ones written back), <c>client_id</c>, <c>client_secret</c>.</summary>
    OAuthRefreshToken,
}
