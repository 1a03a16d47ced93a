using System.Net;
using System.Net.Http.Json;
using System.Text;
using Daedalus.Api;
using Daedalus.Client;
using Daedalus.Security;
using Daedalus.Sources.Sample;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Api;

/// <summary>The auth matrix over every mapped endpoint: no key, wrong key, revoked key, read key on a write route.</summary>
public sealed class ApiAuthTests : IAsyncLifetime
{
    private ApiServer _server = null!;
    private string _revokedKey = "";

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync("api_auth");
        var keys = _server.Get<ApiKeyStore>();
        var (id, key) = await keys.CreateAsync("revoked", [ApiKeyStore.ReadScope, ApiKeyStore.WriteScope], CancellationToken.None);
        await keys.RevokeAsync(id, CancellationToken.None);
        _revokedKey = key;
        using var http = _server.Http(_server.WriteKey);
        var source = SourceSpecMapper.ToSpec(SampleSourceDefinition.Create("existing", 50)) with { Name = null };
        (await http.PutAsJsonAsync("/api/v1/sources/existing", source, DaedalusJson.Options)).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string> ProtectedRoutes() => new(ApiEndpointTable.All.Where(r => r.Scope != ApiScope.Anonymous).Select(r => r.Name));

    public static TheoryData<string> WriteRoutes() => new(ApiEndpointTable.All.Where(r => r.Scope == ApiScope.Write).Select(r => r.Name));

    private static HttpRequestMessage Request(string routeName)
    {
        var route = ApiEndpointTable.All.Single(r => r.Name == routeName);
        var path = route.Template.Replace("{name}", "existing", StringComparison.Ordinal)
            .Replace("{schema}", "public", StringComparison.Ordinal)
            .Replace("{table}", "customers", StringComparison.Ordinal)
            .Replace("{stream}", "customers", StringComparison.Ordinal)
            .Replace("{id}", Guid.NewGuid().ToString(), StringComparison.Ordinal);
        var body = route.Method switch
        {
            "POST" when route.Name == "CreateSource" => "{\"name\":\"other\",\"plugin\":\"sample\",\"streams\":{\"customers\":null}}",
            "PUT" => "{\"plugin\":\"sample\",\"schedule\":\"0 0 * * * *\",\"streams\":{\"customers\":null}}",
            "PATCH" => "{\"enabled\":false}",
            _ => null,
        };
        var request = new HttpRequestMessage(new HttpMethod(route.Method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return request;
    }

    private Task<string> FingerprintAsync() => _server.ScalarAsync<string>(
        """
        SELECT (SELECT count(*) FROM daedalus.audit_log) || '/' || (SELECT count(*) FROM daedalus.runs) || '/' || (SELECT count(*) FROM daedalus.cursors)
            || '/' || (SELECT string_agg(name || ':' || definition::text, ';' ORDER BY name) FROM daedalus.sources)
        """);

    [Theory]
    [MemberData(nameof(ProtectedRoutes))]
    public async Task Without_a_valid_key_every_protected_route_answers_the_same_401_and_changes_nothing(string routeName)
    {
        var before = await FingerprintAsync();
        var bodies = new List<string>();
        foreach (var key in new string?[] { null, "dk_000000000000_wrong", "not-even-a-key", _revokedKey, _server.ReadKey + "x" })
        {
            using var http = _server.Http(key);
            using var request = Request(routeName);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            bodies.Add(await response.Content.ReadAsStringAsync());
        }

        // Missing, malformed, unknown and revoked keys are indistinguishable from outside.
        Assert.Single(bodies.Select(b => System.Text.RegularExpressions.Regex.Replace(b, "\"traceId\":\"[^\"]*\"", "")).Distinct());
        Assert.Equal(before, await FingerprintAsync());
    }

    [Theory]
    [MemberData(nameof(WriteRoutes))]
    public async Task A_read_key_on_a_write_route_answers_403_and_changes_nothing(string routeName)
    {
        var before = await FingerprintAsync();
        using var http = _server.Http(_server.ReadKey);
        using var request = Request(routeName);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ApiProblem>(DaedalusJson.Options);
        Assert.Equal(403, problem!.Status);
        Assert.Equal(before, await FingerprintAsync());
    }

    [Fact]
    public async Task Read_keys_read_and_the_x_api_key_header_works_too()
    {
        using var http = _server.Http(null);
        http.DefaultRequestHeaders.Add("X-Api-Key", _server.ReadKey);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/sources")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/metrics")).StatusCode);
    }

    [Fact]
    public async Task Status_openapi_and_docs_are_anonymous_and_metrics_is_not()
    {
        using var http = _server.Http(null);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/status")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/openapi.json")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/docs")).StatusCode);
        using var metrics = await http.GetAsync("/api/v1/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, metrics.StatusCode);
        Assert.Equal("application/problem+json", metrics.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Only_a_hash_of_each_key_is_stored()
    {
        var stored = await _server.ScalarAsync<string>("SELECT string_agg(encode(key_hash, 'escape') || id || name, ';') FROM daedalus.api_keys");
        Assert.DoesNotContain(_server.ReadKey.Split('_')[2], stored, StringComparison.Ordinal);
        Assert.Equal(32, await _server.ScalarAsync<int>("SELECT min(length(key_hash)) FROM daedalus.api_keys"));
    }
}
