using System.Net;
using System.Net.Http.Json;
using Daedalus.Api;
using Daedalus.Client;
using Daedalus.Sources.Sample;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Api;

/// <summary>
/// One target table, one owner, over HTTP against a real PostgreSQL: a source (or a second stream of one source)
/// targeting a table another stream loads into is a 422 on <c>$.streams.&lt;stream&gt;.target</c> naming the owner,
/// and stores nothing; concurrent creates cannot both claim a free table; a retired source keeps its tables until it
/// is deleted.
/// </summary>
public sealed class TargetOwnershipApiTests : IAsyncLifetime
{
    private ApiServer _server = null!;
    private HttpClient _http = null!;
    private DaedalusClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync("api_owner");
        _http = _server.Http(_server.WriteKey);
        _client = new DaedalusClient(_http);
        await _client.ReplaceSourceAsync("shop", Sample("shop", "sales"));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    /// <summary>A sample source loading into <paramref name="schema"/>.customers and .invoices.</summary>
    private static SourceSpec Sample(string name, string schema) =>
        SourceSpecMapper.ToSpec(SampleSourceDefinition.Create(name, 100, schema)) with { Name = null, Enabled = false };

    private Task<string> FingerprintAsync() => _server.ScalarAsync<string>(
        "SELECT (SELECT count(*) FROM daedalus.audit_log) || '/' || coalesce((SELECT string_agg(name || ':' || version || ':' || definition::text, ';' ORDER BY name) FROM daedalus.sources), '')");

    [Fact]
    public async Task Creating_a_source_on_a_table_another_source_owns_is_a_422_naming_the_owner_and_stores_nothing()
    {
        var before = await FingerprintAsync();

        using var response = await _http.PostAsJsonAsync("/api/v1/sources", Sample("copycat", "sales") with { Name = "copycat" }, DaedalusJson.Options);

        var errors = await AssertUnprocessableAsync(response);
        Assert.Contains("table sales.customers is already the target of stream 'customers' of source 'shop'", Assert.Single(errors["$.streams.customers.target"]), StringComparison.Ordinal);
        Assert.Contains("source 'shop'", Assert.Single(errors["$.streams.invoices.target"]), StringComparison.Ordinal);
        Assert.Equal(before, await FingerprintAsync());
        Assert.Equal(0L, await _server.ScalarAsync<long>("SELECT count(*) FROM daedalus.sources WHERE name = 'copycat'"));
    }

    [Fact]
    public async Task Put_refuses_a_taken_table_but_keeps_its_own_target_and_moves_to_a_free_one()
    {
        await _client.ReplaceSourceAsync("crm", Sample("crm", "crm"));
        var before = await FingerprintAsync();

        using (var taken = await _http.PutAsJsonAsync("/api/v1/sources/crm", Sample("crm", "sales"), DaedalusJson.Options))
        {
            Assert.True((await AssertUnprocessableAsync(taken)).ContainsKey("$.streams.customers.target"));
        }

        Assert.Equal(before, await FingerprintAsync());

        // Its own tables again (another schedule), then tables nobody owns: both fine.
        var (same, created) = await _client.ReplaceSourceAsync("crm", Sample("crm", "crm") with { Schedule = "0 0 * * * *" });
        Assert.Equal(("0 0 * * * *", false), (same.Schedule, created));
        var (moved, _) = await _client.ReplaceSourceAsync("crm", Sample("crm", "crm_v2"));
        Assert.Equal("crm_v2", moved.Streams["customers"]!.Target!.Schema);

        // The tables it left are free again.
        Assert.Equal(HttpStatusCode.Created, (await _http.PostAsJsonAsync("/api/v1/sources", Sample("heir", "crm") with { Name = "heir" }, DaedalusJson.Options)).StatusCode);
    }

    [Fact]
    public async Task The_default_target_counts_a_stream_without_target_is_on_public_stream()
    {
        var first = Sample("first", "x") with { Metrics = null, Streams = new() { ["customers"] = new StreamSpec() } };
        Assert.Equal(HttpStatusCode.Created, (await _http.PostAsJsonAsync("/api/v1/sources", first with { Name = "first" }, DaedalusJson.Options)).StatusCode);
        var second = Sample("second", "x") with { Name = "second", Metrics = null, Streams = new() { ["customers"] = new StreamSpec { Target = new TargetSpec { Schema = "public", Table = "customers" } } } };

        using var response = await _http.PostAsJsonAsync("/api/v1/sources", second, DaedalusJson.Options);

        var errors = await AssertUnprocessableAsync(response);
        Assert.Contains("table public.customers is already the target of stream 'customers' of source 'first'", Assert.Single(errors["$.streams.customers.target"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_streams_of_one_source_on_one_table_are_a_422_naming_the_other_stream()
    {
        var spec = Sample("twins", "twins");
        var streams = new Dictionary<string, StreamSpec?>(spec.Streams)
        {
            ["invoices"] = spec.Streams["invoices"]! with { Target = new TargetSpec { Schema = "twins", Table = "customers" } },
        };

        using var response = await _http.PostAsJsonAsync("/api/v1/sources", spec with { Name = "twins", Streams = streams }, DaedalusJson.Options);

        var errors = await AssertUnprocessableAsync(response);
        Assert.Contains("table twins.customers is already the target of stream 'customers' of this source", Assert.Single(errors["$.streams.invoices.target"]), StringComparison.Ordinal);
        Assert.Equal(0L, await _server.ScalarAsync<long>("SELECT count(*) FROM daedalus.sources WHERE name = 'twins'"));
    }

    [Fact]
    public async Task Of_eight_concurrent_creates_on_one_free_table_exactly_one_succeeds()
    {
        for (var round = 0; round < 5; round++)
        {
            var schema = $"contested_{round}";
            using var start = new ManualResetEventSlim();
            var posts = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
            {
                start.Wait();
                using var response = await _http.PostAsJsonAsync("/api/v1/sources", Sample($"racer_{round}_{i}", schema) with { Name = $"racer_{round}_{i}" }, DaedalusJson.Options);
                return response.StatusCode;
            })).ToList();
            start.Set();
            var statuses = await Task.WhenAll(posts);

            Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
            Assert.Equal(7, statuses.Count(s => s == HttpStatusCode.UnprocessableEntity));
            Assert.Equal(1L, await _server.ScalarAsync<long>($"SELECT count(*) FROM daedalus.sources WHERE name LIKE 'racer\\_{round}\\_%'"));
        }
    }

    [Fact]
    public async Task A_retired_source_owns_its_tables_until_it_is_deleted()
    {
        await _client.ReplaceSourceAsync("legacy", Sample("legacy", "archive") with { RetireAt = DateTimeOffset.UtcNow.AddDays(-1) });
        await _server.ScalarAsync<int>("UPDATE daedalus.sources SET retired_at = now() WHERE name = 'legacy' RETURNING 1");

        using (var refused = await _http.PostAsJsonAsync("/api/v1/sources", Sample("successor", "archive") with { Name = "successor" }, DaedalusJson.Options))
        {
            Assert.Contains("source 'legacy'", Assert.Single((await AssertUnprocessableAsync(refused))["$.streams.customers.target"]), StringComparison.Ordinal);
        }

        await _client.DeleteSourceAsync("legacy");
        using var created = await _http.PostAsJsonAsync("/api/v1/sources", Sample("successor", "archive") with { Name = "successor" }, DaedalusJson.Options);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task Sources_stored_before_the_rule_sharing_a_table_can_still_be_disabled_but_no_newcomer_joins_them()
    {
        // Two definitions on one table, as an older version stored them (no check then).
        await _server.ScalarAsync<int>(
            """
            INSERT INTO daedalus.sources (name, plugin, enabled, definition)
            SELECT 'shop_copy', plugin, enabled, jsonb_set(definition, '{name}', '"shop_copy"') FROM daedalus.sources WHERE name = 'shop' RETURNING 1
            """);

        var patched = await _client.PatchSourceAsync("shop_copy", new SourcePatch { Enabled = false, Schedule = "0 0 * * * *" });
        Assert.Equal("0 0 * * * *", patched.Schedule);

        using var response = await _http.PostAsJsonAsync("/api/v1/sources", Sample("third", "sales") with { Name = "third" }, DaedalusJson.Options);
        Assert.True((await AssertUnprocessableAsync(response)).ContainsKey("$.streams.customers.target"));
    }

    private static async Task<IReadOnlyDictionary<string, string[]>> AssertUnprocessableAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"expected 422, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = System.Text.Json.JsonSerializer.Deserialize<ApiProblem>(body, DaedalusJson.Options);
        Assert.NotNull(problem?.Errors);
        return problem.Errors;
    }
}
