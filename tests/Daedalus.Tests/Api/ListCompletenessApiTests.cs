using System.Net;
using System.Text.Json;
using Daedalus.Api;
using Daedalus.Sources.Sample;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Api;

/// <summary>
/// Lists never end silently short: past a page, a list says where the next page is (<c>next</c>), and following it
/// gives every item once; and a query parameter a route does not know is a 400 naming it, never a silent default.
/// </summary>
public sealed class ListCompletenessApiTests : IAsyncLifetime
{
    private const string RunId = "0b7a53f2-33a4-4f4e-9d5e-6f1f0c1b2a01";

    private ApiServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync("api_lists");
        await _server.Client(_server.WriteKey).ReplaceSourceAsync("shop", SourceSpecMapper.ToSpec(SampleSourceDefinition.Create("shop", 10, "shop")) with { Name = null });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Run_events_past_5000_are_all_reached_through_next_links()
    {
        await ExecuteAsync($"""
            INSERT INTO daedalus.runs (id, source, trigger, status, started_at) VALUES ('{RunId}', 'shop', 'test', 'succeeded', now());
            INSERT INTO daedalus.run_events (run_id, kind, source, detail) SELECT '{RunId}', 'stream.pulled', 'shop', jsonb_build_object('n', n) FROM generate_series(1, 5003) n;
            """);

        using var http = _server.Http(_server.ReadKey);
        var first = await GetListAsync(http, $"/api/v1/sources/shop/runs/{RunId}/events?limit=5000");
        Assert.Equal(5000, first.GetProperty("items").GetArrayLength());
        var next = first.GetProperty("next").GetString()!;
        Assert.StartsWith($"/api/v1/sources/shop/runs/{RunId}/events?", next, StringComparison.Ordinal);
        var last = await GetListAsync(http, next);
        Assert.Equal(3, last.GetProperty("items").GetArrayLength());
        Assert.False(last.TryGetProperty("next", out _));

        var events = await _server.Client(_server.ReadKey).ListRunEventsAsync("shop", Guid.Parse(RunId));
        Assert.Equal(Enumerable.Range(1, 5003), events.Select(e => e.Detail.GetProperty("n").GetInt32()));
        Assert.Equal(7, (await _server.Client(_server.ReadKey).ListRunEventsAsync("shop", Guid.Parse(RunId), limit: 7)).Count);
    }

    [Fact]
    public async Task Runs_started_at_the_same_moment_page_without_skipping_or_repeating()
    {
        await ExecuteAsync("""
            INSERT INTO daedalus.runs (id, source, trigger, status, started_at)
            SELECT gen_random_uuid(), 'shop', 'test', 'succeeded', '2026-01-01T00:00:00Z' FROM generate_series(1, 7);
            """);

        using var http = _server.Http(_server.ReadKey);
        var seen = new List<string>();
        string? path = "/api/v1/runs?limit=2&status=succeeded";
        while (path is not null)
        {
            var page = await GetListAsync(http, path);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetString()!));
            Assert.Contains("status=succeeded", path, StringComparison.Ordinal);
            path = page.TryGetProperty("next", out var next) ? next.GetString() : null;
        }

        Assert.Equal(7, seen.Count);
        Assert.Equal(7, seen.Distinct().Count());
        Assert.Equal(seen, (await _server.Client(_server.ReadKey).ListAllRunsAsync(600, Daedalus.Runs.RunStatus.Succeeded)).Select(r => r.Id.ToString()));

        using var stale = await http.GetAsync("/api/v1/runs?after=not-a-run");
        Assert.Equal(HttpStatusCode.BadRequest, stale.StatusCode);
    }

    [Fact]
    public async Task Series_past_1000_are_all_reached_through_next_links()
    {
        await ExecuteAsync("""
            INSERT INTO daedalus.metric_series (name, labels) SELECT 'orders', jsonb_build_object('shop', 's' || n) FROM generate_series(1, 1003) n;
            """);

        using var http = _server.Http(_server.ReadKey);
        var first = await GetListAsync(http, "/api/v1/timeseries?metric=orders");
        Assert.Equal(1000, first.GetProperty("items").GetArrayLength());
        Assert.Contains("metric=orders", first.GetProperty("next").GetString(), StringComparison.Ordinal);

        var series = await _server.Client(_server.ReadKey).ListSeriesAsync("orders");
        Assert.Equal(1003, series.Count);
        Assert.Equal(1003, series.Select(s => s.Labels["shop"]).Distinct().Count());
    }

    [Theory]
    [InlineData("/api/v1/sources?limt=5", "limt")]
    [InlineData("/api/v1/sources/shop?verbose=1", "verbose")]
    [InlineData("/api/v1/status?staus=failed", "staus")]
    [InlineData("/api/v1/metrics?format=json", "format")]
    [InlineData("/api/v1/catalog?limit=5", "limit")]
    [InlineData("/api/v1/notifications?channel=x", "channel")]
    [InlineData("/api/v1/runs?limt=5&staus=failed", "limt")]
    [InlineData("/api/v1/timeseries?metirc=orders", "metirc")]
    [InlineData("/api/v1/timeseries/points?metric=orders&stpe=1h", "stpe")]
    [InlineData("/api/v1/batches/poison?after=x", "after")]
    public async Task An_unknown_query_parameter_is_a_400_naming_it_and_the_accepted_ones(string path, string unknown)
    {
        using var http = _server.Http(_server.ReadKey);
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(unknown, out _), problem.RootElement.ToString());
        Assert.Contains("accepts", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_unknown_parameter_is_named_the_function_key_is_not_and_authorization_comes_first()
    {
        using var http = _server.Http(_server.ReadKey);
        using var both = await http.GetAsync("/api/v1/runs?limt=5&staus=failed&code=function-key");
        using var problem = JsonDocument.Parse(await both.Content.ReadAsStringAsync());
        Assert.Equal(["limt", "staus"], problem.RootElement.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
        Assert.Contains("limit, after, status", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/sources?code=function-key")).StatusCode);
        using var anonymous = _server.Http(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/sources?limt=5")).StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_names_each_routes_query_parameters()
    {
        using var http = _server.Http(null);
        var document = await GetListAsync(http, "/api/v1/openapi.json");
        var events = document.GetProperty("paths").GetProperty("/api/v1/sources/{name}/runs/{id}/events").GetProperty("get");
        var query = events.GetProperty("parameters").EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString());
        Assert.Equal(["after", "limit"], query.Order());
        Assert.Contains(document.GetProperty("components").GetProperty("schemas").EnumerateObject(), s => s.Value.TryGetProperty("properties", out var p) && p.TryGetProperty("next", out _));
    }

    private static async Task<JsonElement> GetListAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
