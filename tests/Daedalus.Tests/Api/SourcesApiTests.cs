using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Daedalus.Api;
using Daedalus.Client;
using Daedalus.Sources.Sample;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Api;

/// <summary>Sources CRUD over HTTP against a real PostgreSQL, and bad input that must change nothing.</summary>
public sealed class SourcesApiTests : IAsyncLifetime
{
    private ApiServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync("api_sources");
        _http = _server.Http(_server.WriteKey);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private static SourceSpec Sample(string name, long customers = 100) =>
        SourceSpecMapper.ToSpec(SampleSourceDefinition.Create(name, customers, targetSchema: name)) with { Name = name };

    /// <summary>Everything a failed request could have touched.</summary>
    private Task<string> FingerprintAsync() => _server.ScalarAsync<string>(
        "SELECT (SELECT count(*) FROM daedalus.sources) || '/' || (SELECT count(*) FROM daedalus.audit_log) || '/' || coalesce((SELECT string_agg(name || ':' || definition::text, ';' ORDER BY name) FROM daedalus.sources), '')");

    [Fact]
    public async Task Create_get_list_replace_patch_and_delete_round_trip()
    {
        var client = new DaedalusClient(_http);
        var created = await client.CreateSourceAsync(Sample("crm"));
        Assert.Equal("crm", created.Name);
        Assert.Equal(["customers", "invoices"], created.Streams.Keys.Order());

        var fetched = await client.GetSourceAsync("crm");
        Assert.Equal(JsonSerializer.Serialize(created, DaedalusJson.Options), JsonSerializer.Serialize(fetched, DaedalusJson.Options));
        Assert.Contains(await client.ListSourcesAsync(), s => s.Name == "crm");

        var (replaced, wasCreated) = await client.ReplaceSourceAsync("crm", fetched with { Schedule = "0 0 * * * *", Name = null });
        Assert.False(wasCreated);
        Assert.Equal("0 0 * * * *", replaced.Schedule);

        var disabled = await client.PatchSourceAsync("crm", new SourcePatch { Enabled = false });
        Assert.False(disabled.Enabled);
        Assert.Equal("0 0 * * * *", disabled.Schedule);
        var rescheduled = await client.PatchSourceAsync("crm", new SourcePatch { Schedule = "0 */30 * * * *" });
        Assert.Equal("0 */30 * * * *", rescheduled.Schedule);
        Assert.False(rescheduled.Enabled);

        await client.DeleteSourceAsync("crm");
        var missing = await Assert.ThrowsAsync<DaedalusApiException>(() => client.GetSourceAsync("crm"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(4L, await _server.ScalarAsync<long>("SELECT count(*) FROM daedalus.audit_log WHERE target = 'crm' AND action LIKE 'source.%'") - 1);
    }

    [Fact]
    public async Task Create_answers_201_with_location_and_409_for_an_existing_name()
    {
        var first = await _http.PostAsJsonAsync("/api/v1/sources", Sample("dup"), DaedalusJson.Options);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal("/api/v1/sources/dup", first.Headers.Location?.ToString());

        var before = await FingerprintAsync();
        var second = await _http.PostAsJsonAsync("/api/v1/sources", Sample("dup", 5), DaedalusJson.Options);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await FingerprintAsync());
    }

    [Fact]
    public async Task Put_to_a_new_name_creates_it()
    {
        var response = await _http.PutAsJsonAsync("/api/v1/sources/fresh", Sample("fresh") with { Name = null }, DaedalusJson.Options);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/v1/sources/fresh", response.Headers.Location?.ToString());
    }

    public static TheoryData<string, string, string, string, HttpStatusCode, string> BadInput() => new()
    {
        // name, method, path, body, status, the field the problem must name
        { "malformed JSON", "POST", "/api/v1/sources", "{\"name\": \"x\", \"plugin\": ", HttpStatusCode.BadRequest, "$.plugin" },
        { "unknown field", "POST", "/api/v1/sources", "{\"name\":\"x\",\"plugin\":\"sample\",\"streams\":{\"customers\":null},\"colour\":\"red\"}", HttpStatusCode.BadRequest, "$.colour" },
        { "unknown nested field", "POST", "/api/v1/sources", "{\"name\":\"x\",\"plugin\":\"sample\",\"streams\":{\"customers\":{\"mood\":\"happy\"}}}", HttpStatusCode.BadRequest, "$.streams.customers.mood" },
        { "missing plugin", "POST", "/api/v1/sources", "{\"name\":\"x\",\"streams\":{\"customers\":null}}", HttpStatusCode.BadRequest, "$" },
        { "wrong type", "POST", "/api/v1/sources", "{\"name\":\"x\",\"plugin\":\"sample\",\"enabled\":\"yes\",\"streams\":{\"customers\":null}}", HttpStatusCode.BadRequest, "$.enabled" },
        { "duplicate property", "POST", "/api/v1/sources", "{\"name\":\"x\",\"name\":\"y\",\"plugin\":\"sample\",\"streams\":{\"customers\":null}}", HttpStatusCode.BadRequest, "$.name" },
        { "not an object", "POST", "/api/v1/sources", "null", HttpStatusCode.BadRequest, "$" },
        { "empty body", "POST", "/api/v1/sources", "", HttpStatusCode.BadRequest, "$" },
        { "invalid cron", "POST", "/api/v1/sources", "{\"name\":\"x\",\"plugin\":\"sample\",\"schedule\":\"every tuesday\",\"streams\":{\"customers\":null}}", HttpStatusCode.UnprocessableEntity, "$.schedule" },
        { "5-field cron", "PUT", "/api/v1/sources/x", "{\"plugin\":\"sample\",\"schedule\":\"*/5 * * * *\",\"streams\":{\"customers\":null}}", HttpStatusCode.UnprocessableEntity, "$.schedule" },
        { "hostile source name", "POST", "/api/v1/sources", "{\"name\":\"x\\\"; DROP TABLE daedalus.sources; --\",\"plugin\":\"sample\",\"streams\":{\"customers\":null}}", HttpStatusCode.UnprocessableEntity, "$.name" },
        { "hostile name in URL", "PUT", "/api/v1/sources/Robert'%3B%20DROP%20TABLE%20x", "{\"plugin\":\"sample\",\"streams\":{\"customers\":null}}", HttpStatusCode.UnprocessableEntity, "$.name" },
        { "hostile target table", "POST", "/api/v1/sources", "{\"name\":\"x\",\"plugin\":\"sample\",\"streams\":{\"customers\":{\"target\":{\"table\":\"a\\\"b\"}}}}", HttpStatusCode.UnprocessableEntity, "$.streams.customers.target.table" },
        { "hostile schema", "POST", "/api/v1/sources", "{\"name\":\"x\",\"plugin\":\"sample\",\"streams\":{\"customers\":{\"target\":{\"schema\":\"pg_catalog; --\"}}}}", HttpStatusCode.UnprocessableEntity, "$.streams.customers.target.schema" },
        { "unknown plugin", "POST", "/api/v1/sources", "{\"name\":\"x\",\"plugin\":\"nope\",\"streams\":{\"customers\":null}}", HttpStatusCode.UnprocessableEntity, "$.plugin" },
        { "bad mode", "POST", "/api/v1/sources", "{\"name\":\"x\",\"plugin\":\"sample\",\"streams\":{\"customers\":{\"mode\":\"sometimes\"}}}", HttpStatusCode.UnprocessableEntity, "$.streams.customers.mode" },
        { "bad qa rule", "POST", "/api/v1/sources", "{\"name\":\"x\",\"plugin\":\"sample\",\"streams\":{\"customers\":{\"qa\":[{\"column\":\"email\",\"rule\":\"matches\",\"pattern\":\"(\"}]}}}", HttpStatusCode.UnprocessableEntity, "$.streams.customers.qa[0].pattern" },
        { "secret value instead of a name", "POST", "/api/v1/sources", "{\"name\":\"x\",\"plugin\":\"sample\",\"secrets\":{\"token\":\"Bearer abc def\"},\"streams\":{\"customers\":null}}", HttpStatusCode.UnprocessableEntity, "$.secrets.token" },
        { "name mismatch", "PUT", "/api/v1/sources/x", "{\"name\":\"y\",\"plugin\":\"sample\",\"streams\":{\"customers\":null}}", HttpStatusCode.UnprocessableEntity, "$.name" },
        { "no streams", "POST", "/api/v1/sources", "{\"name\":\"x\",\"plugin\":\"sample\",\"streams\":{}}", HttpStatusCode.UnprocessableEntity, "$.streams" },
        { "patch with invalid cron", "PATCH", "/api/v1/sources/existing", "{\"schedule\":\"61 * * * * *\"}", HttpStatusCode.UnprocessableEntity, "$.schedule" },
        { "patch with unknown field", "PATCH", "/api/v1/sources/existing", "{\"enabled\":false,\"plugin\":\"other\"}", HttpStatusCode.BadRequest, "$.plugin" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_answers_4xx_problem_json_naming_the_field_and_changes_nothing(string name, string method, string path, string body, HttpStatusCode status, string field)
    {
        await new DaedalusClient(_http).ReplaceSourceAsync("existing", Sample("existing") with { Name = null });
        var before = await FingerprintAsync();

        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using var response = await _http.SendAsync(request);

        Assert.True(status == response.StatusCode, $"{name}: expected {status}, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ApiProblem>(DaedalusJson.Options);
        Assert.NotNull(problem?.Errors);
        Assert.True(problem.Errors.ContainsKey(field), $"{name}: errors name {string.Join(", ", problem.Errors.Keys)}, not {field}");
        Assert.All(problem.Errors.Values.SelectMany(m => m), m => Assert.False(string.IsNullOrWhiteSpace(m)));
        Assert.Equal(before, await FingerprintAsync());
    }

    [Fact]
    public async Task A_rejected_secret_value_is_not_echoed_back()
    {
        using var response = await _http.PostAsync("/api/v1/sources", new StringContent(
            "{\"name\":\"x\",\"plugin\":\"sample\",\"secrets\":{\"token\":\"s3cr3t value!\"},\"streams\":{\"customers\":null}}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.DoesNotContain("s3cr3t", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Oversized_bodies_answer_413_and_change_nothing(bool declareLength)
    {
        var before = await FingerprintAsync();
        var huge = "{\"name\":\"big\",\"plugin\":\"sample\",\"settings\":{\"pad\":\"" + new string('a', 300 * 1024) + "\"},\"streams\":{\"customers\":null}}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sources");
        // Without a Content-Length (chunked), the limit must hold while reading, not only by the header.
        request.Content = declareLength
            ? new StringContent(huge, Encoding.UTF8, "application/json")
            : new PushStreamContentOf(huge);
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await FingerprintAsync());
    }

    [Fact]
    public async Task A_body_that_is_not_json_answers_415()
    {
        using var response = await _http.PostAsync("/api/v1/sources", new StringContent("name=x", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Unknown_sources_and_routes_answer_404_problem_json()
    {
        foreach (var path in new[] { "/api/v1/sources/nope", "/api/v1/nothing-here", "/api/v1/sources/" + new string('x', 2000) })
        {
            using var response = await _http.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain(new string('x', 100), await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Control characters never reach a handler: the server refuses the request line.
        using var control = await _http.GetAsync("/api/v1/sources/%00%01");
        Assert.Equal(HttpStatusCode.BadRequest, control.StatusCode);

        using var delete = await _http.DeleteAsync("/api/v1/sources/nope");
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
    }

    /// <summary>Content without a known length, so HttpClient sends it chunked.</summary>
    private sealed class PushStreamContentOf : HttpContent
    {
        private readonly byte[] _bytes;

        public PushStreamContentOf(string text)
        {
            _bytes = Encoding.UTF8.GetBytes(text);
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
