using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text.Json;
using Daedalus.Api;
using Daedalus.Telemetry;
using Daedalus.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Daedalus.Tests.Telemetry;

/// <summary>
/// With an Application Insights connection string the pipeline metrics reach the ingestion endpoint: a loopback
/// server speaking Breeze's <c>/v2.1/track</c> (gzip NDJSON in, itemsReceived/itemsAccepted out).
/// </summary>
public sealed class AzureMonitorMetricsTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<JsonElement> _items = new();
    private WebApplication _ingestion = null!;

    public async Task InitializeAsync()
    {
        // Tests talk to 127.0.0.1 only. The exporter's usage telemetry (Statsbeat) is turned off, and outside a
        // Functions worker it asks the Azure VM metadata service (169.254.169.254) what it runs on: say what the
        // Function App's worker says, which is where this export is meant to run.
        Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_STATSBEAT_DISABLED", "true");
        Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_SDKSTATS_DISABLED_ALL", "true");
        Environment.SetEnvironmentVariable("FUNCTIONS_WORKER_RUNTIME", "dotnet-isolated");
        _ingestion = LoopbackApp.Create();
        _ingestion.MapPost("/v2.1/track", async (HttpRequest request) =>
        {
            Stream body = request.Body;
            if (request.Headers.ContentEncoding == "gzip")
            {
                body = new GZipStream(request.Body, CompressionMode.Decompress);
            }

            using var reader = new StreamReader(body);
            var count = 0;
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.Length > 0)
                {
                    _items.Enqueue(JsonDocument.Parse(line).RootElement.Clone());
                    count++;
                }
            }

            return Results.Json(new { itemsReceived = count, itemsAccepted = count, errors = Array.Empty<object>() });
        });
        await _ingestion.StartAsync();
    }

    public async Task DisposeAsync() => await _ingestion.DisposeAsync();

    [Fact]
    public async Task Pipeline_metrics_are_sent_to_the_ingestion_endpoint()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
        [
            new(AzureMonitorMetrics.ConnectionStringSetting, $"InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint={LoopbackApp.Address(_ingestion)}"),
        ]).Build();
        await using var services = await CoreServices.StartAsync("azure_monitor", configure: s => s.AddDaedalusApi(configuration));
        var meters = services.Get<MeterProvider>();

        DaedalusInstruments.RecordLoad("appinsights_src", "orders", 17, 2, TimeSpan.FromMilliseconds(40));
        // ForceFlush reports false because the Prometheus reader is pull-only; the Azure Monitor reader still exports.
        meters.ForceFlush(30_000);
        await Eventually.TrueAsync(() => Task.FromResult(Sent().Count >= 2), TimeSpan.FromSeconds(30), "rows loaded and quarantined sent to the ingestion endpoint");

        var metrics = Sent();
        var loaded = Assert.Single(metrics, d => d.GetProperty("metrics")[0].GetProperty("name").GetString() == "daedalus.rows.loaded");
        Assert.Equal(17, loaded.GetProperty("metrics")[0].GetProperty("value").GetDouble());
        Assert.Equal("orders", loaded.GetProperty("properties").GetProperty("stream").GetString());
        Assert.Contains(metrics, d => d.GetProperty("metrics")[0].GetProperty("name").GetString() == "daedalus.rows.quarantined");
        Assert.All(_items, i => Assert.Equal("00000000-0000-0000-0000-000000000001", i.GetProperty("iKey").GetString()));
    }

    /// <summary>The metric items about this test's source.</summary>
    private List<JsonElement> Sent() =>
        _items.Where(i => i.GetProperty("data").GetProperty("baseType").GetString() == "MetricData")
            .Select(i => i.GetProperty("data").GetProperty("baseData"))
            .Where(d => d.TryGetProperty("properties", out var p) && p.TryGetProperty("source", out var s) && s.GetString() == "appinsights_src")
            .ToList();

    [Theory]
    [InlineData("ClientId=5b1f6d1e-0000-0000-0000-000000000000;Authorization=AAD", true)]
    [InlineData("Authorization=aad", true)]
    [InlineData("", false)]
    public void The_authentication_string_selects_an_Entra_credential(string value, bool entra) =>
        Assert.Equal(entra, AzureMonitorMetrics.Credential(value) is not null);

    [Theory]
    [InlineData("ClientId=5b1f6d1e-0000-0000-0000-000000000000")]
    [InlineData("Authorization=Basic")]
    [InlineData("ClientId;Authorization=AAD")]
    public void A_malformed_authentication_string_fails_naming_the_setting(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => AzureMonitorMetrics.Credential(value));
        Assert.Contains(AzureMonitorMetrics.AuthenticationStringSetting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_with_a_malformed_authentication_string_does_not_start()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
        [
            new(AzureMonitorMetrics.ConnectionStringSetting, "InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=http://127.0.0.1:9/"),
            new(AzureMonitorMetrics.AuthenticationStringSetting, "Authorization=Basic"),
        ]).Build();
        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            using var provider = new ServiceCollection().AddLogging().AddDaedalusApi(configuration).BuildServiceProvider();
            provider.GetRequiredService<MeterProvider>();
        });
        Assert.Contains(AzureMonitorMetrics.AuthenticationStringSetting, error.Message, StringComparison.Ordinal);
    }
}
