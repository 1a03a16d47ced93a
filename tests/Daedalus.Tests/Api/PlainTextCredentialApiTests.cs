using System.Net;
using System.Text;
using System.Text.Json;
using Daedalus.Api;
using Daedalus.Client;
using Daedalus.Configuration;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Api;

/// <summary>
/// A credential written in plain text in a source's settings is a 422 naming the field, and the value reaches neither
/// the answer, the database nor the logs; a definition stored before that rule is answered with the credential masked,
/// to read-scoped and write-scoped keys alike.
/// </summary>
public sealed class PlainTextCredentialApiTests : IAsyncLifetime
{
    private const string Secret = "pl41n-Cr3d3ntial_Value";

    private readonly LogCapture _logs = new();
    private ApiServer _server = null!;
    private HttpClient _write = null!;
    private HttpClient _read = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync("api_plain_credentials", logs: _logs);
        _write = _server.Http(_server.WriteKey);
        _read = _server.Http(_server.ReadKey);
    }

    public async Task DisposeAsync()
    {
        _write.Dispose();
        _read.Dispose();
        await _server.DisposeAsync();
    }

    public static TheoryData<string, string, string> RefusedForms() => new()
    {
        { "settings", "headers.X-Api-Key", Secret },
        { "settings", "headers.Cookie", $"session={Secret}" },
        { "settings", "headers.Proxy-Authorization", $"Basic {Secret}" },
        { "settings", "headers.X-Auth-Token", Secret },
        { "settings", "headers.Private-Token", Secret },
        { "settings", "params.api_key", Secret },
        { "settings", "params.access_token", Secret },
        { "settings", "params.client_secret", Secret },
        { "settings", "params.sig", Secret },
        { "settings", "params.password", Secret },
        { "settings", "baseUrl", $"https://user:{Secret}@api.example.com" },
        { "streams.issues.settings", "params.token", Secret },
    };

    [Theory]
    [MemberData(nameof(RefusedForms))]
    public async Task A_plain_credential_is_a_422_naming_the_field_and_is_stored_and_logged_nowhere(string where, string key, string value)
    {
        var spec = Rest();
        (where == "settings" ? spec.Settings! : spec.Streams["issues"]!.Settings!)[key] = value;

        using var response = await _write.PutAsync("/api/v1/sources/api", Json(spec));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonSerializer.Deserialize<ApiProblem>(body, DaedalusJson.Options)!;
        var messages = problem.Errors![$"$.{where}.{key}"];
        Assert.Contains(messages, m => m.Contains("settings.auth", StringComparison.Ordinal));
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        Assert.Equal(0L, await _server.ScalarAsync<long>($"SELECT count(*) FROM daedalus.sources WHERE definition::text LIKE '%{Secret}%'"));
        Assert.DoesNotContain(_logs.Entries, e => e.Message.Contains(Secret, StringComparison.Ordinal) || e.Fields.Values.Any(v => v?.ToString()?.Contains(Secret, StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task Ordinary_headers_and_params_and_auth_by_secret_name_are_stored_and_read_back()
    {
        var spec = Rest();
        spec.Settings!["headers.Accept"] = "application/vnd.github+json";
        spec.Settings["headers.X-GitHub-Api-Version"] = "2022-11-28";
        spec.Settings["params.per_page"] = "100";
        spec.Settings["auth.type"] = "api_key";
        spec.Settings["auth.in"] = "header";
        spec.Settings["auth.name"] = "X-Api-Key";
        spec.Settings["auth.headers.X-App-Key"] = "app_key";

        using var response = await _write.PutAsync("/api/v1/sources/api", Json(spec with { Secrets = new() { ["api_key"] = "example.api-key" } }));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        var read = await new DaedalusClient(_read).GetSourceAsync("api");
        Assert.Equal("2022-11-28", read.Settings!["headers.X-GitHub-Api-Version"]);
        Assert.Equal("100", read.Settings["params.per_page"]);
        Assert.Equal("X-Api-Key", read.Settings["auth.name"]);
        Assert.Equal("app_key", read.Settings["auth.headers.X-App-Key"]);
    }

    [Fact]
    public async Task A_definition_stored_before_the_rule_is_answered_with_its_credentials_masked_to_every_caller()
    {
        var stored = SourceSpecMapper.ToDefinition(Rest(), "legacy", []);
        stored.Settings["headers.X-Api-Key"] = Secret;
        stored.Settings["headers.Accept"] = "application/json";
        stored.Settings["params.access_token"] = Secret;
        stored.Streams[0].Settings["params.sig"] = Secret;
        stored.Streams[0].Settings["params.state"] = "all";
        stored.Settings["baseUrl"] = $"https://user:{Secret}@api.example.com";
        await _server.Get<SourceCatalog>().UpsertAsync(stored, "test", CancellationToken.None);

        foreach (var http in new[] { _read, _write })
        {
            foreach (var url in new[] { "/api/v1/sources", "/api/v1/sources/legacy" })
            {
                var body = await http.GetStringAsync(url);
                Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
            }

            var source = await new DaedalusClient(http).GetSourceAsync("legacy");
            Assert.Equal(PlainTextCredentialRule.Masked, source.Settings!["headers.X-Api-Key"]);
            Assert.Equal(PlainTextCredentialRule.Masked, source.Settings["params.access_token"]);
            Assert.Equal(PlainTextCredentialRule.Masked, source.Settings["baseUrl"]);
            Assert.Equal(PlainTextCredentialRule.Masked, source.Streams["issues"]!.Settings!["params.sig"]);
            Assert.Equal("application/json", source.Settings["headers.Accept"]);
            Assert.Equal("all", source.Streams["issues"]!.Settings!["params.state"]);
        }
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
