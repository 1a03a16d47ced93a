using System.Net;
using System.Text.Json;
using Daedalus.Api;
using Daedalus.Client;
using Daedalus.Sources.Sample;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Review;

/// <summary>Hostile review of paged lists and the unknown-query-parameter 400.</summary>
public sealed class QueryReviewTests : IAsyncLifetime
{
    private const string ShopRun = "0b7a53f2-33a4-4f4e-9d5e-6f1f0c1b2a01";
    private const string OtherRun = "0b7a53f2-33a4-4f4e-9d5e-6f1f0c1b2a02";

    private ApiServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync("rev_query");
        var client = _server.Client(_server.WriteKey);
        await client.ReplaceSourceAsync("shop", SourceSpecMapper.ToSpec(SampleSourceDefinition.Create("shop", 10, "shop")) with { Name = null, Enabled = false });
        await client.ReplaceSourceAsync("other", SourceSpecMapper.ToSpec(SampleSourceDefinition.Create("other", 10, "other")) with { Name = null, Enabled = false });
        await _server.ScalarAsync<int>($"""
            INSERT INTO daedalus.runs (id, source, trigger, status, started_at) VALUES
              ('{ShopRun}', 'shop', 'test', 'succeeded', '2026-01-01T00:00:00Z'),
              ('{OtherRun}', 'other', 'test', 'succeeded', '2026-06-01T00:00:00Z');
            INSERT INTO daedalus.runs (id, source, trigger, status, started_at)
              SELECT gen_random_uuid(), 'shop', 'test', 'succeeded', '2025-01-01T00:00:00Z'::timestamptz + n * interval '1 day' FROM generate_series(1, 5) n;
            INSERT INTO daedalus.run_events (run_id, kind, source, detail) SELECT '{ShopRun}', 'stream.pulled', 'shop', jsonb_build_object('n', n) FROM generate_series(1, 3) n;
            INSERT INTO daedalus.run_events (run_id, kind, source, detail) SELECT '{OtherRun}', 'stream.pulled', 'other', jsonb_build_object('n', n) FROM generate_series(1, 3) n;
            INSERT INTO daedalus.metric_series (name, labels) SELECT 'orders', jsonb_build_object('shop', 's' || n) FROM generate_series(1, 3) n;
            SELECT 1;
            """);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("/api/v1/sources/shop/runs?limit=1&limit=2")]
    [InlineData("/api/v1/runs?status=failed&status=succeeded")]
    [InlineData("/api/v1/timeseries?metric=orders&metric=orders")]
    [InlineData("/api/v1/timeseries?metric=orders&metric=nothing")]
    [InlineData("/api/v1/sources/shop/runs?after=" + ShopRun + "&after=" + ShopRun)]
    public async Task A_repeated_query_parameter_is_a_400_not_a_silent_reading(string path)
    {
        using var http = _server.Http(_server.ReadKey);
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task After_a_run_of_another_source_is_a_400()
    {
        using var http = _server.Http(_server.ReadKey);
        using var response = await http.GetAsync($"/api/v1/sources/shop/runs?after={OtherRun}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
    }

    [Fact]
    public async Task After_an_event_of_another_run_or_no_event_is_a_400_not_a_silently_empty_page()
    {
        using var http = _server.Http(_server.ReadKey);
        var otherEvent = await _server.ScalarAsync<long>($"SELECT max(id) FROM daedalus.run_events WHERE run_id = '{OtherRun}'");
        foreach (var after in new[] { otherEvent, 999_999_999L })
        {
            using var response = await http.GetAsync($"/api/v1/sources/shop/runs/{ShopRun}/events?after={after}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"after={after}: {(int)response.StatusCode}: {body}");
        }
    }

    [Fact]
    public async Task Following_next_links_of_runs_reaches_every_run_of_the_source_once()
    {
        using var http = _server.Http(_server.ReadKey);
        var seen = new List<string>();
        string? path = "/api/v1/sources/shop/runs?limit=1";
        while (path is not null)
        {
            using var response = await http.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            using var page = JsonDocument.Parse(body);
            seen.AddRange(page.RootElement.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetString()!));
            path = page.RootElement.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }

        Assert.Equal(6, seen.Count);
        Assert.Equal(6, seen.Distinct().Count());
    }

    [Theory]
    [InlineData("POST", "/api/v1/sources/shop/runs?dry_run=true")]
    [InlineData("DELETE", "/api/v1/sources/shop?force=true")]
    [InlineData("POST", "/api/v1/sources/shop/check?verbose=1")]
    [InlineData("GET", "/api/v1/sources/shop/discover?verbose=1")]
    [InlineData("GET", "/api/v1/sources/shop/runs/" + ShopRun + "?verbose=1")]
    [InlineData("POST", "/api/v1/runs/" + ShopRun + "/cancel?force=1")]
    [InlineData("POST", "/api/v1/sources/shop/streams/customers/reset?all=1")]
    [InlineData("GET", "/api/v1/catalog/shop/customers?verbose=1")]
    [InlineData("GET", "/api/v1/openapi.json?x=1")]
    [InlineData("POST", "/api/v1/batches/poison/replay?all=1")]
    public async Task Unknown_parameters_on_other_routes_are_a_400_and_do_nothing(string method, string path)
    {
        using var http = _server.Http(_server.WriteKey);
        var runsBefore = await _server.ScalarAsync<long>("SELECT count(*) FROM daedalus.runs");
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path}: {(int)response.StatusCode}: {body}");
        Assert.Equal(runsBefore, await _server.ScalarAsync<long>("SELECT count(*) FROM daedalus.runs"));
        Assert.Equal(1L, await _server.ScalarAsync<long>("SELECT count(*) FROM daedalus.sources WHERE name = 'shop'"));
    }

    [Fact]
    public async Task Put_with_an_unknown_parameter_is_a_400_and_stores_nothing()
    {
        using var http = _server.Http(_server.WriteKey);
        var spec = SourceSpecMapper.ToSpec(SampleSourceDefinition.Create("fresh", 10, "fresh")) with { Name = null, Enabled = false };
        using var response = await http.PutAsync("/api/v1/sources/fresh?validate_only=true",
            new StringContent(JsonSerializer.Serialize(spec, DaedalusJson.Options), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0L, await _server.ScalarAsync<long>("SELECT count(*) FROM daedalus.sources WHERE name = 'fresh'"));
    }

    [Theory]
    [InlineData("/api/v1/sources/shop/runs?limit=")]
    [InlineData("/api/v1/sources/shop/runs?after=")]
    [InlineData("/api/v1/runs?status=")]
    [InlineData("/api/v1/timeseries?after=")]
    [InlineData("/api/v1/timeseries?metric=")]
    [InlineData("/api/v1/sources/shop/runs/" + ShopRun + "/events?limit=")]
    public async Task An_empty_query_value_is_a_400_not_a_silent_default(string path)
    {
        using var http = _server.Http(_server.ReadKey);
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
    }

    [Theory]
    [InlineData("/api/v1/timeseries?after=garbage")]
    [InlineData("/api/v1/timeseries?limit=0")]
    [InlineData("/api/v1/timeseries?limit=1001")]
    [InlineData("/api/v1/sources/shop/runs?limit=+5")]
    [InlineData("/api/v1/sources/shop/runs?limit=5.0")]
    [InlineData("/api/v1/sources/shop/runs/" + ShopRun + "/events?after=-1")]
    [InlineData("/api/v1/sources/shop/runs/" + ShopRun + "/events?limit=5001")]
    [InlineData("/api/v1/sources/shop/runs?LIMIT=5")]
    public async Task A_malformed_paging_value_is_a_400(string path)
    {
        using var http = _server.Http(_server.ReadKey);
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/api/v1/sources/shop/runs/" + OtherRun)]
    [InlineData("/api/v1/sources/shop/runs/" + OtherRun + "/events")]
    public async Task A_run_of_another_source_is_not_found_under_this_source(string path)
    {
        using var http = _server.Http(_server.ReadKey);
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{(int)response.StatusCode}: {body}");
    }
}
