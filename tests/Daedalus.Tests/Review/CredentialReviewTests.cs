using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Daedalus.Api;
using Daedalus.Client;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Review;

/// <summary>Hostile review of "no plain-text credentials in settings".</summary>
public sealed class CredentialReviewTests : IAsyncLifetime
{
    private const string Secret = "pl41n-Cr3d3ntial_Value";

    private ApiServer _server = null!;
    private HttpClient _write = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync("rev_cred");
        _write = _server.Http(_server.WriteKey);
    }

    public async Task DisposeAsync()
    {
        _write.Dispose();
        await _server.DisposeAsync();
    }

    public static TheoryData<string, string, string> MoreRefusedForms() => new()
    {
        // Firebase REST: ?auth=<ID token>
        { "settings", "params.auth", Secret },
        { "settings", "headers.Authentication", Secret },
        { "settings", "headers.X-Auth", Secret },
        { "settings", "headers.X-API-KEY", Secret },
        { "settings", "headers.XAPIKEY", Secret },
        { "settings", "HEADERS.X-Api-Key", Secret },
        { "settings", "params.user.password", Secret },
        { "settings", "params.token2", Secret },
        { "settings", "baseUrl", $"https://user%3A{Secret}@api.example.com" },
        { "settings", "baseUrl", $"HTTPS://user:{Secret}@api.example.com" },
        { "settings", "baseUrl", $"https:\\\\user:{Secret}@api.example.com" },
        { "settings", "baseUrl", $"https://api.example.com/v1?%73ig={Secret}" },
        { "settings", "baseUrl", $"https://api.example.com/v1?api%5Fkey={Secret}" },
        { "settings", "headers.X-Custom", $"bearer {Secret}" },
        { "streams.issues.settings", "params.API_KEY", Secret },
        { "streams.issues.settings", "params.accessToken", Secret },
        { "settings", "auth.headers.X-Api-Key", $"Bearer {Secret}" },
        { "settings", "auth.params.api_key", $"https://x:{Secret}@h" },
    };

    [Theory]
    [MemberData(nameof(MoreRefusedForms))]
    public async Task A_plain_credential_variant_is_a_422_not_echoed_and_not_stored(string where, string key, string value)
    {
        var spec = Rest();
        (where == "settings" ? spec.Settings! : spec.Streams["issues"]!.Settings!)[key] = value;

        using var response = await _write.PutAsync("/api/v1/sources/api", Json(spec));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode}: {body}");
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        Assert.Equal(0L, await _server.ScalarAsync<long>($"SELECT count(*) FROM daedalus.sources WHERE definition::text LIKE '%{Secret}%'"));
    }

    public static TheoryData<string, string, string> Accepted() => new()
    {
        { "settings", "params.per_page", "100" },
        { "settings", "params.sort_key", "created_at" },
        { "settings", "headers.Accept", "application/json; version=2" },
        { "streams.issues.settings", "params.page_token", "abc" },
        // Twitter/X API v2 paging parameter
        { "streams.issues.settings", "params.pagination_token", "7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i" },
        // OAI-PMH paging parameter
        { "streams.issues.settings", "params.resumptionToken", "0001-01-01T00:00:00Z!100!" },
        // Jira JQL filter
        { "streams.issues.settings", "params.jql", "key=PROJ-123" },
        { "streams.issues.settings", "params.max_tokens", "10" },
        { "streams.issues.settings", "params.include_signatures", "true" },
        { "settings", "headers.X-Request-Id", "eyJhbGciOi" },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public async Task Ordinary_settings_are_accepted(string where, string key, string value)
    {
        var spec = Rest();
        (where == "settings" ? spec.Settings! : spec.Streams["issues"]!.Settings!)[key] = value;

        using var response = await _write.PutAsync("/api/v1/sources/api", Json(spec));

        Assert.True(response.IsSuccessStatusCode, $"{key}={value}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static TheoryData<string, string> LegacyForms() => new()
    {
        { "params.user.password", Secret },
        { "headers.X-Api.Key", Secret },
        { "params.auth", Secret },
        { "headers.Authentication", Secret },
        { "HEADERS.x-api-key", Secret },
        { "baseUrl", $"https:\\\\user:{Secret}@api.example.com" },
    };

    [Theory]
    [MemberData(nameof(LegacyForms))]
    public async Task A_legacy_definition_never_shows_a_credential_on_get(string key, string value)
    {
        var stored = SourceSpecMapper.ToDefinition(Rest(), "legacy", []);
        stored.Settings[key] = value;
        await _server.Get<SourceCatalog>().UpsertAsync(stored, "test", CancellationToken.None);

        using var read = _server.Http(_server.ReadKey);
        foreach (var url in new[] { "/api/v1/sources", "/api/v1/sources/legacy" })
        {
            var body = await read.GetStringAsync(url);
            Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_legacy_stream_path_with_a_credential_query_is_masked_on_get()
    {
        var stored = SourceSpecMapper.ToDefinition(Rest(), "legacy", []);
        stored.Streams[0].Settings["path"] = $"/issues?access_token={Secret}";
        await _server.Get<SourceCatalog>().UpsertAsync(stored, "test", CancellationToken.None);

        using var read = _server.Http(_server.ReadKey);
        var body = await read.GetStringAsync("/api/v1/sources/legacy");
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_legacy_definition_can_be_disabled_and_the_patch_answer_is_masked()
    {
        var stored = SourceSpecMapper.ToDefinition(Rest(), "legacy", []);
        stored.Settings["headers.X-Api-Key"] = Secret;
        await _server.Get<SourceCatalog>().UpsertAsync(stored, "test", CancellationToken.None);

        using var patch = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/sources/legacy") { Content = JsonContent.Create(new { enabled = false }) };
        using var response = await _write.SendAsync(patch);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> SchemeLessUrls() => new()
    {
        { "rest", "auth.tokenUrl", $"user:{Secret}@login.example.com/token" },
        { "rest", "auth.tokenUrl", $"https:/user:{Secret}@login.example.com/token" },
        { "monday", "apiUrl", $"user:{Secret}@api.monday.com/v2" },
        { "monday", "apiUrl", $"https:/user:{Secret}@api.monday.com/v2" },
        { "quickbooks", "tokenUrl", $"user:{Secret}@oauth.platform.intuit.com/token" },
    };

    [Theory]
    [MemberData(nameof(SchemeLessUrls))]
    public async Task A_url_setting_with_user_info_but_no_scheme_slashes_is_refused_without_echo(string plugin, string key, string value)
    {
        var spec = plugin == "rest" ? Rest() : Rest() with { Plugin = plugin, Settings = new() };
        if (plugin == "rest")
        {
            spec.Settings!["auth.type"] = "oauth_client_credentials";
        }

        spec.Settings![key] = value;

        using var response = await _write.PutAsync("/api/v1/sources/api", Json(spec));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode}: {body}");
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        Assert.Equal(0L, await _server.ScalarAsync<long>($"SELECT count(*) FROM daedalus.sources WHERE definition::text LIKE '%{Secret}%'"));
    }

    [Fact]
    public async Task A_webhook_url_with_its_token_in_notifications_is_refused_without_echo()
    {
        var body = "{\"channels\":{\"ops\":{\"url\":\"https://hooks.slack.com/services/T0000/B0000/" + Secret + "\"}}}";
        using var response = await _write.PutAsync("/api/v1/notifications", new StringContent(body, Encoding.UTF8, "application/json"));
        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {answer}");
        Assert.DoesNotContain(Secret, answer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ghp_0123456789abcdefABCDEF0123456789abcd")]
    [InlineData("Bearer pl41n-Cr3d3ntial_Value")]
    [InlineData("https://user:pl41n-Cr3d3ntial_Value@h")]
    public async Task A_secret_value_in_the_secrets_map_is_refused_without_echo(string value)
    {
        var spec = Rest() with { Secrets = new() { ["api_key"] = value } };
        spec.Settings!["auth.type"] = "api_key";

        using var response = await _write.PutAsync("/api/v1/sources/api", Json(spec));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode}: {body}");
        Assert.DoesNotContain(value, body, StringComparison.Ordinal);
    }

    private static SourceSpec Rest() => new()
    {
        Plugin = "rest",
        Settings = new() { ["baseUrl"] = "https://api.example.com" },
        Streams = new()
        {
            ["issues"] = new StreamSpec { Mode = "full", PrimaryKey = ["id"], Target = new TargetSpec { Schema = "api", Table = "issues" }, Settings = new() { ["path"] = "/issues" } },
        },
    };

    private static StringContent Json(SourceSpec spec) => new(JsonSerializer.Serialize(spec, DaedalusJson.Options), Encoding.UTF8, "application/json");
}
