using System.Net;
using System.Text.Json;
using Daedalus.Api;
using Daedalus.Client;
using Daedalus.Runs;
using Daedalus.Sources.Sample;
using Daedalus.Telemetry;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Api;

/// <summary>Status, Prometheus metrics, time series and the OpenAPI document, after a real pull.</summary>
public sealed class StatusAndTelemetryApiTests : IAsyncLifetime
{
    private ApiServer _server = null!;
    private DaedalusClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync("api_status");
        _client = _server.Client(_server.WriteKey);
        await _client.ReplaceSourceAsync("fin", SourceSpecMapper.ToSpec(SampleSourceDefinition.Create("fin", 300, "fin")) with { Name = null });
        await _client.ReplaceSourceAsync("idle", SourceSpecMapper.ToSpec(SampleSourceDefinition.Create("idle", 10, "idle")) with { Name = null, Enabled = false });
        var id = (await _client.TriggerRunAsync("fin")).RunId;
        var run = await _client.GetRunAsync("fin", id);
        for (var i = 0; run.Status == RunStatus.Running && i < 600; i++)
        {
            await Task.Delay(100);
            run = await _client.GetRunAsync("fin", id);
        }

        Assert.Equal(RunStatus.Succeeded, run.Status);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Status_reports_each_dependency_and_the_freshness_of_each_source()
    {
        var report = await _server.Client(null).GetStatusAsync();
        Assert.Equal("healthy", report.Status);
        Assert.Equal(["batches", "keys", "postgresql", "queue"], report.Checks.Select(c => c.Name).Order());
        Assert.Equal("healthy", report.Checks.Single(c => c.Name == "batches").Status);
        Assert.Equal("healthy", report.Checks.Single(c => c.Name == "postgresql").Status);
        Assert.Equal("absent", report.Checks.Single(c => c.Name == "queue").Status);
        var fin = report.Sources.Single(s => s.Name == "fin");
        Assert.Equal("fresh", fin.State);
        Assert.Equal(RunStatus.Succeeded, fin.LastRunStatus);
        Assert.NotNull(fin.LastSuccessAt);
        Assert.True(fin.NextExpectedAt > fin.LastSuccessAt);
        Assert.Equal("disabled", report.Sources.Single(s => s.Name == "idle").State);
    }

    [Fact]
    public async Task Status_answers_503_naming_the_dependency_but_not_its_address_when_postgresql_is_down()
    {
        await using var down = await ApiServer.StartAsync("unused", connectionString: "Host=127.0.0.1;Port=9;Username=x;Password=x;Database=x;Timeout=2");
        using var response = await down.Http(null).GetAsync("/api/v1/status");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        var report = JsonSerializer.Deserialize<StatusReport>(body, DaedalusJson.Options)!;
        Assert.Equal("unhealthy", report.Status);
        Assert.Equal("unhealthy", report.Checks.Single(c => c.Name == "postgresql").Status);
        Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Port=9", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2025-01-01T10:00:00Z", "2025-01-01T10:10:00Z", "fresh", 0)]    // next due 10:05, 5 min late: within one interval
    [InlineData("2025-01-01T10:00:00Z", "2025-01-01T10:11:00Z", "stale", 360)]  // a whole interval past due
    [InlineData(null, "2025-01-01T10:11:00Z", "never", 0)]
    public void Freshness_is_stale_once_a_whole_scheduled_interval_is_missed(string? lastSuccess, string now, string state, double minLag)
    {
        var f = SourceFreshnessReader.Assess("s", true, "0 */5 * * * *", lastSuccess is null ? null : DateTimeOffset.Parse(lastSuccess, System.Globalization.CultureInfo.InvariantCulture), null, null, DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(state, f.State);
        Assert.True(f.LagSeconds >= minLag);
    }

    [Fact]
    public async Task Metrics_expose_pipeline_runtime_and_http_instruments_in_prometheus_format()
    {
        await _server.Get<PipelineGaugeRefresher>().RefreshAsync(CancellationToken.None);
        var text = await _server.Client(_server.ReadKey).GetMetricsTextAsync();
        foreach (var name in new[]
        {
            "daedalus_rows_loaded_total", "daedalus_batches_total", "daedalus_rows_quarantined_total",
            "daedalus_batch_duration_seconds_bucket", "daedalus_source_lag_seconds", "http_server_request_duration_seconds", "dotnet_",
        })
        {
            Assert.Contains(name, text, StringComparison.Ordinal);
        }

        Assert.Contains("source=\"fin\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timeseries_lists_series_and_rebuckets_points_matching_the_loaded_rows()
    {
        var series = await _client.ListSeriesAsync("invoice_amount");
        Assert.NotEmpty(series);
        Assert.All(series, s => Assert.True(s.Labels.ContainsKey("currency")));

        var all = await _client.GetPointsAsync("invoice_amount", DateTimeOffset.Parse("2000-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddDays(1), "30d", "sum");
        var expected = await _server.ScalarAsync<decimal>("SELECT sum(amount) FROM fin.invoices WHERE _daedalus_deleted_at IS NULL AND issued_on IS NOT NULL");
        Assert.Equal(expected, all.Points.Sum(p => p.Value?.ToDecimal() ?? 0));

        var currency = series[0].Labels["currency"];
        var one = await _client.GetPointsAsync("invoice_amount", all.From, all.To, "30d", "count", new Dictionary<string, string> { ["currency"] = currency });
        Assert.All(one.Points, p => Assert.Equal(currency, p.Labels["currency"]));
        var count = await _server.ScalarAsync<long>($"SELECT count(*) FROM fin.invoices WHERE _daedalus_deleted_at IS NULL AND issued_on IS NOT NULL AND amount IS NOT NULL AND currency = '{currency}'");
        Assert.Equal(count, (long)one.Points.Sum(p => p.Value?.ToDecimal() ?? 0));
    }

    [Theory]
    [InlineData("metric=invoice_amount&step=banana", "step")]
    [InlineData("metric=invoice_amount&aggregate=median", "aggregate")]
    [InlineData("metric=invoice_amount&from=2025-02-01&to=2025-01-01", "from")]
    [InlineData("metric=invoice_amount&from=yesterday", "from")]
    [InlineData("metric=invoice_amount&from=2000-01-01&to=2025-01-01&step=1s", "step")]
    [InlineData("metric=invoice_amount&labels=currency", "labels")]
    [InlineData("step=1h", "metric")]
    [InlineData("metric=invoice_amount&colour=red", "colour")]
    public async Task Bad_timeseries_queries_answer_400_naming_the_parameter(string query, string field)
    {
        using var response = await _server.Http(_server.ReadKey).GetAsync("/api/v1/timeseries/points?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonSerializer.Deserialize<ApiProblem>(await response.Content.ReadAsStringAsync(), DaedalusJson.Options)!;
        Assert.Contains(field, problem.Errors!.Keys);
    }

    [Fact]
    public async Task Grafana_style_unix_millisecond_ranges_are_accepted()
    {
        var to = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var response = await _server.Http(_server.ReadKey).GetAsync($"/api/v1/timeseries/points?metric=invoice_amount&from=946684800000&to={to}&step=30d");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_mapped_endpoint()
    {
        using var response = await _server.Http(null).GetAsync("/api/v1/openapi.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");
        Assert.Contains(ApiEndpointTable.All, r => r.Name == "ListCatalogTables");
        foreach (var route in ApiEndpointTable.All.Where(r => r.Described))
        {
            Assert.True(paths.TryGetProperty(route.Template, out var path), $"{route.Template} missing from the OpenAPI document");
            Assert.True(path.TryGetProperty(route.Method.ToLowerInvariant(), out _), $"{route.Method} {route.Template} missing");
        }

        var components = document.RootElement.GetProperty("components");
        Assert.True(components.GetProperty("schemas").TryGetProperty("SourceSpec", out _));
        Assert.Equal("bearer", components.GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
        Assert.Equal("X-Api-Key", components.GetProperty("securitySchemes").GetProperty("apiKeyHeader").GetProperty("name").GetString());
        Assert.Equal(2, paths.GetProperty(ApiPaths.Sources).GetProperty("get").GetProperty("security").GetArrayLength());
        Assert.False(paths.GetProperty(ApiPaths.Status).GetProperty("get").TryGetProperty("security", out _));
        using var docs = await _server.Http(null).GetAsync("/api/v1/docs");
        Assert.Equal("text/html", docs.Content.Headers.ContentType?.MediaType);
        // Offline and only this API's features: Scalar's fonts, AI agent, client button and developer tools are off.
        var page = await docs.Content.ReadAsStringAsync();
        Assert.Contains("\"withDefaultFonts\":false", page, StringComparison.Ordinal);
        Assert.Contains("\"hideClientButton\":true", page, StringComparison.Ordinal);
        Assert.Contains("\"showDeveloperTools\":\"never\"", page, StringComparison.Ordinal);
        Assert.Contains("\"agent\":{\"disabled\":true", page, StringComparison.Ordinal);
        Assert.DoesNotContain("fonts.scalar.com", page, StringComparison.Ordinal);
    }
}
