using Daedalus.Configuration;

namespace Daedalus.Sources.Rest;

/// <summary>
/// <c>settings.auth</c>: the kind, where an API key goes (<see cref="KeyInQuery"/>, parameter or header
/// <see cref="KeyName"/>), and for OAuth the token endpoint, scope and whether the client id/secret travel in the
/// form body instead of HTTP basic. Besides the kind, <c>auth.headers.&lt;Name&gt;</c> and <c>auth.params.&lt;name&gt;</c> send
/// further credentials (an API needing two keys, a cookie): each names a logical secret, resolved at request time.
/// </summary>
public sealed record RestAuthSettings(
    RestAuthKind Kind,
    string KeyName,
    bool KeyInQuery,
    Uri? TokenUrl,
    string? Scope,
    bool ClientInBody,
    IReadOnlyList<KeyValuePair<string, string>> SecretHeaders,
    IReadOnlyList<KeyValuePair<string, string>> SecretParams)
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
                reader.Error("auth.tokenUrl", $"{(tokenText.IndexOfAny(['?', '@', '#']) < 0 ? ErrorText.Quote(tokenText) : "the value")} is not an absolute http(s) URL");
                tokenUrl = null;
            }
        }

        var scope = reader.Text("auth.scope");
        var inBody = reader.Choice("auth.clientAuth", false, new Dictionary<string, bool> { ["basic"] = false, ["body"] = true });
        return new RestAuthSettings(kind, name, location, tokenUrl, scope, inBody, SecretNamed(reader, "auth.headers"), SecretNamed(reader, "auth.params"));
    }

    /// <summary>A map of header or parameter names to logical secret names; a value that is not a name is refused unrepeated.</summary>
    private static IReadOnlyList<KeyValuePair<string, string>> SecretNamed(RestSettingReader reader, string prefix)
    {
        var entries = reader.Section(prefix);
        foreach (var (name, value) in entries.Where(e => !SecretNameRule.IsValid(e.Value)))
        {
            reader.Error($"{prefix}.{ErrorText.Printable(name)}", SecretNameRule.LooksLikeCredential(value)
                ? PlainTextCredentialRule.Refusal("the value is a credential, not a secret's name", "put it in the secret store and write its logical name in settings.auth instead (mapped under secrets:, default key <source>-<name>)")
                : $"must be the logical name of a secret (mapped under secrets:, default key <source>-<name>): {SecretNameRule.Rule}");
        }

        return [.. entries.Where(e => SecretNameRule.IsValid(e.Value))];
    }

    /// <summary>The logical secret names this auth reads (all must be in the store, except a public client's secret).</summary>
    public IReadOnlyList<string> SecretNames => [.. KindSecretNames, .. SecretHeaders.Concat(SecretParams).Select(e => e.Value).Distinct(StringComparer.OrdinalIgnoreCase)];

    private IReadOnlyList<string> KindSecretNames => Kind switch
    {
        RestAuthKind.Bearer => [TokenSecret],
        RestAuthKind.ApiKey => [ApiKeySecret],
        RestAuthKind.Basic => [UsernameSecret, PasswordSecret],
        RestAuthKind.OAuthClientCredentials => [ClientIdSecret, ClientSecretSecret],
        RestAuthKind.OAuthRefreshToken => [ClientIdSecret, ClientSecretSecret, RefreshTokenSecret],
        _ => [],
    };
}
