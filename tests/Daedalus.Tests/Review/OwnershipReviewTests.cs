using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Daedalus.Api;
using Daedalus.Client;
using Daedalus.Sources.Sample;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Review;

/// <summary>Hostile review of "one table, one owner" over HTTP.</summary>
public sealed class OwnershipReviewTests : IAsyncLifetime
{
    private ApiServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync("rev_owner");
        _http = _server.Http(_server.WriteKey);
        // "first" loads stream customers into public.customers by default (no target given).
        var first = Sample("first", "x") with { Name = "first", Metrics = null, Streams = new() { ["customers"] = new StreamSpec() } };
        using var created = await _http.PostAsJsonAsync("/api/v1/sources", first, DaedalusJson.Options);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private static SourceSpec Sample(string name, string schema) =>
        SourceSpecMapper.ToSpec(SampleSourceDefinition.Create(name, 100, schema)) with { Name = null, Enabled = false };

    private static SourceSpec OneStream(string name, StreamSpec stream) =>
        Sample(name, "x") with { Name = name, Metrics = null, Streams = new() { ["customers"] = stream } };

    [Fact]
    public async Task Two_sources_both_without_a_target_on_the_same_stream_name_clash()
    {
        using var response = await _http.PostAsJsonAsync("/api/v1/sources", OneStream("second", new StreamSpec()), DaedalusJson.Options);
        await AssertTargetRefusedAsync(response, "customers");
    }

    [Fact]
    public async Task A_target_with_the_schema_omitted_is_on_public_and_clashes()
    {
        using var response = await _http.PostAsJsonAsync("/api/v1/sources", OneStream("second", new StreamSpec { Target = new TargetSpec { Table = "customers" } }), DaedalusJson.Options);
        await AssertTargetRefusedAsync(response, "customers");
    }

    [Theory]
    [InlineData("Public", "customers")]
    [InlineData("public", "Customers")]
    [InlineData("PUBLIC", "CUSTOMERS")]
    [InlineData("\"public\"", "customers")]
    [InlineData("public", "\"customers\"")]
    [InlineData("public ", "customers")]
    [InlineData("public", "customers ")]
    public async Task Case_quoting_or_spacing_variants_of_a_taken_table_are_refused(string schema, string table)
    {
        using var response = await _http.PostAsJsonAsync("/api/v1/sources", OneStream("second", new StreamSpec { Target = new TargetSpec { Schema = schema, Table = table } }), DaedalusJson.Options);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode}: {body}");
        Assert.Equal(0L, await _server.ScalarAsync<long>("SELECT count(*) FROM daedalus.sources WHERE name = 'second'"));
    }

    [Fact]
    public async Task A_source_moved_away_by_put_then_another_takes_the_table_then_the_first_cannot_move_back()
    {
        var client = new DaedalusClient(_http);
        await client.ReplaceSourceAsync("first", OneStream("first", new StreamSpec { Target = new TargetSpec { Schema = "moved", Table = "customers" } }) with { Name = null });
        using (var taker = await _http.PostAsJsonAsync("/api/v1/sources", OneStream("taker", new StreamSpec()), DaedalusJson.Options))
        {
            Assert.Equal(HttpStatusCode.Created, taker.StatusCode);
        }

        using var back = await _http.PutAsJsonAsync("/api/v1/sources/first", OneStream("first", new StreamSpec()) with { Name = null }, DaedalusJson.Options);
        await AssertTargetRefusedAsync(back, "customers");
    }

    [Fact]
    public async Task Patch_that_only_toggles_enabled_on_an_owner_succeeds()
    {
        using var patch = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/sources/first") { Content = JsonContent.Create(new { enabled = true }) };
        using var response = await _http.SendAsync(patch);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Put_under_another_name_with_the_same_body_is_refused_rename_is_not_a_loophole()
    {
        var get = await new DaedalusClient(_http).GetSourceAsync("first");
        using var response = await _http.PutAsJsonAsync("/api/v1/sources/first_renamed", get with { Name = null }, DaedalusJson.Options);
        await AssertTargetRefusedAsync(response, "customers");
    }

    [Fact]
    public async Task Of_eight_concurrent_creating_puts_on_one_free_table_exactly_one_succeeds()
    {
        using var start = new ManualResetEventSlim();
        var puts = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            start.Wait();
            using var response = await _http.PutAsJsonAsync($"/api/v1/sources/putter_{i}", OneStream($"putter_{i}", new StreamSpec { Target = new TargetSpec { Schema = "contested", Table = "t" } }) with { Name = null }, DaedalusJson.Options);
            return response.StatusCode;
        })).ToList();
        start.Set();
        var statuses = await Task.WhenAll(puts);
        Assert.Equal(1, statuses.Count(s => s is HttpStatusCode.Created or HttpStatusCode.OK));
        Assert.Equal(1L, await _server.ScalarAsync<long>("SELECT count(*) FROM daedalus.sources WHERE name LIKE 'putter%'"));
    }

    [Fact]
    public async Task Of_eight_existing_sources_moving_concurrently_onto_one_free_table_exactly_one_moves()
    {
        var client = new DaedalusClient(_http);
        for (var i = 0; i < 8; i++)
        {
            await client.ReplaceSourceAsync($"mover_{i}", OneStream($"mover_{i}", new StreamSpec { Target = new TargetSpec { Schema = "home", Table = $"t{i}" } }) with { Name = null });
        }

        using var start = new ManualResetEventSlim();
        var puts = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            start.Wait();
            using var response = await _http.PutAsJsonAsync($"/api/v1/sources/mover_{i}", OneStream($"mover_{i}", new StreamSpec { Target = new TargetSpec { Schema = "contested", Table = "moved" } }) with { Name = null }, DaedalusJson.Options);
            return response.StatusCode;
        })).ToList();
        start.Set();
        var statuses = await Task.WhenAll(puts);
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(1L, await _server.ScalarAsync<long>("SELECT count(*) FROM daedalus.sources s, jsonb_array_elements(s.definition -> 'streams') st WHERE st -> 'target' ->> 'table' = 'moved'"));
    }

    private static async Task AssertTargetRefusedAsync(HttpResponseMessage response, string stream)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"expected 422, got {(int)response.StatusCode}: {body}");
        using var problem = JsonDocument.Parse(body);
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty($"$.streams.{stream}.target", out _), body);
    }
}
