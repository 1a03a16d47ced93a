using Daedalus.Configuration;

namespace Daedalus.Tests.Configuration;

/// <summary>Which names, values and URLs <see cref="PlainTextCredentialRule"/> takes for plain-text credentials, and which it leaves alone.</summary>
public sealed class PlainTextCredentialRuleTests
{
    [Theory]
    [InlineData("Authorization")]
    [InlineData("Proxy-Authorization")]
    [InlineData("X-Api-Key")]
    [InlineData("X-API-KEY")]
    [InlineData("XAPIKEY")]
    [InlineData("apiKey")]
    [InlineData("Cookie")]
    [InlineData("X-Auth-Token")]
    [InlineData("PRIVATE-TOKEN")]
    [InlineData("Ocp-Apim-Subscription-Key")]
    [InlineData("X-Amz-Security-Token")]
    [InlineData("api_key")]
    [InlineData("access_token")]
    [InlineData("token")]
    [InlineData("client_secret")]
    [InlineData("signature")]
    [InlineData("sig")]
    [InlineData("password")]
    [InlineData("key")]
    [InlineData("connectionString")]
    [InlineData("sasToken")]
    public void Credential_names_are_recognised_whatever_their_case(string name) =>
        Assert.True(PlainTextCredentialRule.IsCredentialName(name), name);

    [Theory]
    [InlineData("Accept")]
    [InlineData("User-Agent")]
    [InlineData("X-GitHub-Api-Version")]
    [InlineData("Content-Type")]
    [InlineData("per_page")]
    [InlineData("state")]
    [InlineData("sort_key")]
    [InlineData("page_token")]
    [InlineData("nextPageToken")]
    [InlineData("max_tokens")]
    [InlineData("tokenUrl")]
    [InlineData("clientId")]
    [InlineData("keywords")]
    [InlineData("sv")]
    [InlineData("se")]
    public void Ordinary_names_are_not_credentials(string name) =>
        Assert.False(PlainTextCredentialRule.IsCredentialName(name), name);

    [Theory]
    [InlineData("Bearer abc.def")]
    [InlineData("token ghp_0123456789abcdef0123")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net")]
    [InlineData("sv=2024-01-01&sr=c&sig=abcdef")]
    public void Credential_values_are_recognised_whatever_their_name(string value) =>
        Assert.True(PlainTextCredentialRule.IsCredentialValue(value), value);

    [Theory]
    [InlineData("application/vnd.github+json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("2022-11-28")]
    [InlineData("SELECT id FROM users WHERE password_changed_at > '2024-01-01'")]
    public void Ordinary_values_are_not_credentials(string value) =>
        Assert.False(PlainTextCredentialRule.IsCredentialValue(value), value);

    [Theory]
    [InlineData("https://user:hunter2@api.example.com/")]
    [InlineData("https://acct.blob.core.windows.net/c?sv=2024-01-01&sig=abc%2Bdef")]
    [InlineData("https://api.example.com/v1?api_key=abc")]
    public void Urls_carrying_a_credential_say_why_without_the_value(string url)
    {
        var reason = PlainTextCredentialRule.UrlCredential(url);
        Assert.NotNull(reason);
        Assert.DoesNotContain("hunter2", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("abc", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://api.example.com/v1")]
    [InlineData("https://api.example.com/v1?per_page=100")]
    [InlineData("https://api.example.com/users/@me")]
    [InlineData("exports/*.csv")]
    public void Urls_without_credentials_pass(string url) => Assert.Null(PlainTextCredentialRule.UrlCredential(url));

    [Theory]
    [InlineData("headers.X-Api-Key", "k", true)]
    [InlineData("params.access_token", "t", true)]
    [InlineData("sasToken", "t", true)]
    [InlineData("baseUrl", "https://u:p@host/", true)]
    [InlineData("headers.Accept", "application/json", false)]
    [InlineData("columns.token", "text", false)]
    [InlineData("auth.tokenUrl", "https://auth.example.com/token", false)]
    [InlineData("auth.type", "bearer", false)]
    public void Stored_settings_are_masked_only_when_they_hold_a_credential(string key, string value, bool masked) =>
        Assert.Equal(masked, PlainTextCredentialRule.IsPlainCredentialSetting(key, value));
}
