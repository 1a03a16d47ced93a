using System.Net;
using System.Net.Sockets;
using System.Text;
using Daedalus.Api;
using Daedalus.Client;
using Daedalus.Sources.Sample;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Api;

/// <summary>
/// The hostile requests issue 12 measured as 500s, each pinned: NULs in query parameters and in every body field
/// stored as jsonb, an invalid chunk size, explicit nulls, and settings given as JSON numbers. Each answer is a 4xx
/// problem naming the field (or a 2xx where the input is valid), and a refused request changes nothing.
/// </summary>
public sealed class HostileInputApiTests : IAsyncLifetime
{
    private ApiServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync("api_hostile");
        _http = _server.Http(_server.WriteKey);
        await new DaedalusClient(_http).ReplaceSourceAsync("existing", Sample() with { Name = null });
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private static SourceSpec Sample() => SourceSpecMapper.ToSpec(SampleSourceDefinition.Create("existing", 100, targetSchema: "existing"));

    private Task<string> FingerprintAsync() => _server.ScalarAsync<string>(
        "SELECT (SELECT count(*) FROM daedalus.sources) || '/' || (SELECT count(*) FROM daedalus.audit_log) || '/' || coalesce((SELECT string_agg(name || ':' || definition::text, ';' ORDER BY name) FROM daedalus.sources), '') || '/' || (SELECT count(*) FROM daedalus.notification_settings)");

    [Theory]
    [InlineData("/api/v1/timeseries?metric=a%00b", "metric")]
    [InlineData("/api/v1/timeseries/points?metric=a%00b", "metric")]
    [InlineData("/api/v1/timeseries/points?metric=m&labels=a%00=b", "labels")]
    [InlineData("/api/v1/timeseries/points?metric=m&labels=a=b%00", "labels")]
    [InlineData("/api/v1/sources/existing/runs?limit=1%00", "limit")]
    public async Task A_nul_in_a_query_parameter_is_a_400_naming_it(string url, string parameter)
    {
        using var response = await _http.GetAsync(url);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, parameter);
    }

    [Theory]
    [InlineData("/api/v1/timeseries/points?metric=m&to=0001-01-02T00:00:00Z")]
    [InlineData("/api/v1/timeseries/points?metric=m&from=0001-01-01T00:00:00Z&to=0001-01-02T00:00:00Z&step=1d")]
    public async Task Series_points_in_the_first_week_of_year_1_answer_like_any_range(string url)
    {
        // The default 'from' (7 days before 'to') was computed first and overflowed: 500.
        using var response = await _http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
    }

    public static TheoryData<string, string> NulInBody() => new()
    {
        { """{"settings":{"a\u0000b":"1"}}""", "$.settings" },
        { """{"settings":{"seed":"4\u00002"}}""", "$.settings.seed" },
        { """{"secrets":{"tok\u0000en":"existing-token"}}""", "$.secrets" },
        { """{"streams":{"customers":{"qa":[{"column":"em\u0000ail","rule":"not_null"}]}}}""", "$.streams.customers.qa[0].column" },
        { """{"streams":{"customers":{"qa":[{"column":"email","rule":"matches","pattern":"a\u0000"}]}}}""", "$.streams.customers.qa[0].pattern" },
        { """{"streams":{"customers":{"protect":{"em\u0000ail":"hash"}}}}""", "$.streams.customers.protect" },
        { """{"streams":{"customers":{"settings":{"x\u0000":"1"}}}}""", "$.streams.customers.settings" },
        { """{"metrics":[{"name":"m","stream":"invoices","time":"issued\u0000on","aggregate":"count"}]}""", "$.metrics[0].time" },
        { """{"metrics":[{"name":"m","stream":"invoices","time":"issued_on","aggregate":"count","labels":["st\u0000atus"]}]}""", "$.metrics[0].labels[0]" },
        { """{"streams":{"customers":null}}""", "$.streams.customers" },
        { """{"streams":{"customers":{"qa":[null]}}}""", "$.streams.customers.qa[0]" },
        { """{"streams":{"customers":{"primaryKey":[null]}}}""", "$.streams.customers.primaryKey[0]" },
        { """{"streams":{"customers":{"target":{"schema":"daedalus","table":"customers"}}}}""", "$.streams.customers.target.schema" },
        { """{"schedule":"*/0 * * * * *"}""", "$.schedule" },
        { """{"secrets":{"token":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"}}""", "$.secrets.token" },
        { """{"settings":{"custmers":"5"}}""", "$.settings.custmers" },
    };

    [Theory]
    [MemberData(nameof(NulInBody))]
    public async Task Hostile_body_fields_are_a_4xx_naming_the_field_and_change_nothing(string overlay, string field)
    {
        var before = await FingerprintAsync();
        using var response = await _http.PutAsync("/api/v1/sources/existing", new StringContent(Overlay(overlay), Encoding.UTF8, "application/json"));
        Assert.True((int)response.StatusCode is 400 or 422, $"{overlay}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        await AssertProblemAsync(response, response.StatusCode, field);
        Assert.Equal(before, await FingerprintAsync());
    }

    [Fact]
    public async Task Nul_in_a_global_notification_channel_is_a_422_naming_it()
    {
        var before = await FingerprintAsync();
        using var response = await _http.PutAsync("/api/v1/notifications", new StringContent("""{"channels":{"ops\u0000":{"url":"ops-webhook"}}}""", Encoding.UTF8, "application/json"));
        await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "$.channels.ops\0");
        Assert.Equal(before, await FingerprintAsync());
    }

    [Fact]
    public async Task Settings_given_as_json_numbers_and_booleans_are_accepted_like_strings()
    {
        using var response = await _http.PutAsync("/api/v1/sources/existing", new StringContent(Overlay("""{"settings":{"customers":2000,"changeRate":0.5}}"""), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var source = await new DaedalusClient(_http).GetSourceAsync("existing");
        Assert.Equal("2000", source.Settings!["customers"]);
        Assert.Equal("0.5", source.Settings["changeRate"]);

        using var wrong = await _http.PutAsync("/api/v1/sources/existing", new StringContent(Overlay("""{"settings":{"customers":[1]}}"""), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var problem = await System.Text.Json.JsonSerializer.DeserializeAsync<ApiProblem>(await wrong.Content.ReadAsStreamAsync(), DaedalusJson.Options);
        Assert.Contains(problem!.Errors!.Keys, k => k.StartsWith("$.settings", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_invalid_chunk_size_is_a_400_not_a_500_and_changes_nothing()
    {
        var before = await FingerprintAsync();
        using var client = new TcpClient();
        await client.ConnectAsync(_server.Address.Host, _server.Address.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"PUT /api/v1/sources/existing HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {_server.WriteKey}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{{}}\r\n0\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.StartsWith("HTTP/1.1 400", statusLine, StringComparison.Ordinal);
        Assert.Equal(before, await FingerprintAsync());
    }

    /// <summary>The valid sample source with the top-level fields of <paramref name="overlay"/> replaced (streams merged by name).</summary>
    private static string Overlay(string overlay)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Sample() with { Name = null }, DaedalusJson.Options))!.AsObject();
        foreach (var (key, value) in System.Text.Json.Nodes.JsonNode.Parse(overlay)!.AsObject().ToList())
        {
            if (key == "streams")
            {
                foreach (var (stream, spec) in value!.AsObject().ToList())
                {
                    node["streams"]![stream] = spec?.DeepClone();
                }
            }
            else
            {
                node[key] = value?.DeepClone();
            }
        }

        return node.ToJsonString();
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = System.Text.Json.JsonSerializer.Deserialize<ApiProblem>(body, DaedalusJson.Options);
        Assert.NotNull(problem?.Errors);
        Assert.True(problem.Errors.ContainsKey(field), $"errors name {string.Join(", ", problem.Errors.Keys)}, not {field}");
    }
}
