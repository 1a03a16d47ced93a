using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Daedalus.Api;
using Daedalus.Client;
using Daedalus.Telemetry;
using Daedalus.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Daedalus.Tests.Api;

/// <summary>
/// What the Functions HttpTriggers for metrics, the OpenAPI document and its UI call, run the way the worker runs
/// them: <see cref="ApiFunctionCall"/> over a bare HttpContext in a container with the core and API services and no
/// minimal-API endpoint at all, with <c>Daedalus:Api:Auth = functionkeys</c>.
/// </summary>
public sealed partial class TriggerHandlerTests : IAsyncLifetime
{
    private CoreServices _services = null!;

    public async Task InitializeAsync()
    {
        var api = new ConfigurationBuilder().AddInMemoryCollection([new("Daedalus:Api:Auth", ApiOptions.FunctionKeysAuth)]).Build();
        _services = await CoreServices.StartAsync("api_triggers", configure: s => s.AddDaedalusApi(api));
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Metrics_trigger_writes_the_prometheus_exposition_of_the_pipeline()
    {
        _services.Get<MeterProvider>();
        DaedalusInstruments.RecordLoad("trigger_src", "orders", 42, 3, TimeSpan.FromMilliseconds(20));

        var (status, contentType, body) = await CallAsync(ApiPaths.Metrics, ApiScope.Read, MetricsHandler.Scrape);

        Assert.Equal(200, status);
        Assert.StartsWith("text/plain", contentType, StringComparison.Ordinal);
        Assert.Matches(@"daedalus_rows_loaded_total\{[^}]*source=""trigger_src""[^}]*\} 42", body);
        Assert.Matches(@"daedalus_rows_quarantined_total\{[^}]*source=""trigger_src""[^}]*\} 3", body);
        Assert.Contains("daedalus_batch_duration_seconds_bucket", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_trigger_answers_openmetrics_when_asked()
    {
        _services.Get<MeterProvider>();
        DaedalusInstruments.RecordFailure("trigger_src", "orders");

        var (status, contentType, body) = await CallAsync(ApiPaths.Metrics, ApiScope.Read, MetricsHandler.Scrape, accept: "application/openmetrics-text; version=1.0.0");

        Assert.Equal(200, status);
        Assert.StartsWith("application/openmetrics-text", contentType, StringComparison.Ordinal);
        Assert.EndsWith("# EOF\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_trigger_serves_the_route_table_with_the_function_key_scheme()
    {
        var (status, contentType, body) = await CallAsync(ApiPaths.OpenApi, ApiScope.Anonymous, ApiDocumentationHandler.Serve);

        Assert.Equal(200, status);
        Assert.StartsWith("application/json", contentType, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        Assert.Equal("https://daedalus-prod.azurewebsites.net/", root.GetProperty("servers")[0].GetProperty("url").GetString());
        var schemes = root.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("x-functions-key", schemes.GetProperty("functionKey").GetProperty("name").GetString());
        Assert.False(schemes.TryGetProperty("bearer", out _));

        var paths = root.GetProperty("paths");
        foreach (var route in ApiRoutes.All)
        {
            var described = paths.TryGetProperty(route.Template, out var path) && path.TryGetProperty(route.Method.ToLowerInvariant(), out _);
            Assert.True(described == route.Described, $"{route.Method} {route.Template}: described {described}, expected {route.Described}");
            if (!described)
            {
                continue;
            }

            var operation = path.GetProperty(route.Method.ToLowerInvariant());
            var secured = operation.TryGetProperty("security", out var security) && security.GetArrayLength() > 0;
            Assert.True(secured == (route.Scope != ApiScope.Anonymous), $"{route.Name}: security {secured}");
        }

        Assert.True(paths.GetProperty(ApiPaths.Metrics).GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/plain", out _));
    }

    [Fact]
    public async Task Docs_trigger_serves_the_ui_and_the_script_it_loads()
    {
        var (status, contentType, html) = await CallAsync(ApiPaths.Docs + "/", ApiScope.Anonymous, ApiDocumentationHandler.Serve);
        Assert.Equal(200, status);
        Assert.StartsWith("text/html", contentType, StringComparison.Ordinal);
        // Scalar resolves the document's URL against the page's base path, which is empty when the page sits at /api/v1/docs/.
        Assert.Contains($"initialize(\n        '{Uri.EscapeDataString(ApiPaths.Docs + "/")}'", html, StringComparison.Ordinal);
        Assert.Contains($"\"url\":\"{ApiPaths.OpenApi.TrimStart('/')}\"", html, StringComparison.Ordinal);

        // The page must work offline: every script it loads comes from this same route, not a CDN.
        var scripts = ScriptSource().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            Assert.DoesNotContain("//", script, StringComparison.Ordinal);
            var (scriptStatus, scriptType, scriptBody) = await CallAsync(new Uri(new Uri("https://x" + ApiPaths.Docs + "/"), script).AbsolutePath, ApiScope.Anonymous, ApiDocumentationHandler.Serve);
            Assert.Equal(200, scriptStatus);
            Assert.Contains("javascript", scriptType, StringComparison.Ordinal);
            Assert.True(scriptBody.Length > 1000, $"{script}: {scriptBody.Length} characters");
        }
    }

    [Fact]
    public async Task Unknown_docs_assets_are_404_and_leave_the_request_as_it_was()
    {
        var (status, _, _) = await CallAsync(ApiPaths.Docs + "/assets/no-such.js", ApiScope.Anonymous, ApiDocumentationHandler.Serve);
        Assert.Equal(404, status);
        var (redirect, _, _) = await CallAsync(ApiPaths.Docs, ApiScope.Anonymous, ApiDocumentationHandler.Serve);
        Assert.Equal(302, redirect);
    }

    private async Task<(int Status, string ContentType, string Body)> CallAsync(string path, ApiScope scope, Func<HttpContext, CancellationToken, Task<IResult>> handler, string? accept = null)
    {
        await using var requestScope = _services.Provider.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = requestScope.ServiceProvider };
        context.Request.Method = "GET";
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("daedalus-prod.azurewebsites.net");
        context.Request.Path = path;
        if (accept is not null)
        {
            context.Request.Headers.Accept = accept;
        }

        using var body = new MemoryStream();
        context.Response.Body = body;
        var result = await ApiFunctionCall.RunAsync(context.Request, scope, handler);
        await result.ExecuteAsync(context);
        Assert.Same(requestScope.ServiceProvider, context.RequestServices);
        return (context.Response.StatusCode, context.Response.ContentType ?? "", Encoding.UTF8.GetString(body.ToArray()));
    }

    [GeneratedRegex("<script[^>]*\\ssrc=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();
}
