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
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Npgsql;
using OpenTelemetry.Metrics;

namespace Daedalus.Tests.Api;

/// <summary>
/// What the Functions HttpTriggers call, run the way the worker runs them: <see cref="ApiTriggerDispatcher"/> over a bare
/// HttpContext in a container with the core and API services and no web application or routing middleware at all, with
/// <c>Daedalus:Api:Auth = functionkeys</c>.
/// </summary>
public sealed partial class TriggerHandlerTests : IAsyncLifetime
{
    private CoreServices _services = null!;

    public async Task InitializeAsync()
    {
        var api = new ConfigurationBuilder().AddInMemoryCollection([new("Daedalus:Api:Auth", ApiAuthModes.Name(ApiAuthMode.FunctionKeys))]).Build();
        _services = await CoreServices.StartAsync("api_triggers", configure: s => s
            .AddDaedalusApi(api)
            .AddDaedalusApiTriggers()
            .AddSingleton<IHostEnvironment>(new HostingEnvironment { ApplicationName = "Daedalus.Functions", EnvironmentName = "Production", ContentRootPath = AppContext.BaseDirectory }));
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Metrics_trigger_writes_the_prometheus_exposition_of_the_pipeline()
    {
        _services.Get<MeterProvider>();
        DaedalusInstruments.RecordLoad("trigger_src", "orders", 42, 3, TimeSpan.FromMilliseconds(20));

        var (status, contentType, body) = await CallAsync(ApiPaths.Metrics);

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

        var (status, contentType, body) = await CallAsync(ApiPaths.Metrics, accept: "application/openmetrics-text; version=1.0.0");

        Assert.Equal(200, status);
        Assert.StartsWith("application/openmetrics-text", contentType, StringComparison.Ordinal);
        Assert.EndsWith("# EOF\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_trigger_serves_the_route_table_with_the_function_key_scheme()
    {
        var (status, contentType, body) = await CallAsync(ApiPaths.OpenApi);

        Assert.Equal(200, status);
        Assert.StartsWith("application/json", contentType, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        Assert.Equal("https://daedalus-prod.azurewebsites.net/", root.GetProperty("servers")[0].GetProperty("url").GetString());
        var schemes = root.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("x-functions-key", schemes.GetProperty("functionKey").GetProperty("name").GetString());
        Assert.False(schemes.TryGetProperty("bearer", out _));

        var paths = root.GetProperty("paths");
        var endpoints = ApiEndpointTable.Of([_services.Get<ApiTriggerDispatcher>().Endpoints]);
        Assert.Equal(ApiEndpointTable.All.Select(e => (e.Name, e.Method, e.Template, e.Scope)).Order(), endpoints.Select(e => (e.Name, e.Method, e.Template, e.Scope)).Order());
        foreach (var route in endpoints)
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
            Assert.True(operation.GetProperty("responses").TryGetProperty("401", out _) == secured, $"{route.Name}: 401 described only when secured");
        }

        Assert.True(paths.GetProperty(ApiPaths.Metrics).GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/plain", out _));
    }

    [Fact]
    public async Task Docs_trigger_serves_the_ui_and_the_script_it_loads()
    {
        var (status, contentType, html) = await CallAsync(ApiPaths.Docs + "/");
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
            var (scriptStatus, scriptType, scriptBody) = await CallAsync(new Uri(new Uri("https://x" + ApiPaths.Docs + "/"), script).AbsolutePath);
            Assert.Equal(200, scriptStatus);
            Assert.Contains("javascript", scriptType, StringComparison.Ordinal);
            Assert.True(scriptBody.Length > 1000, $"{script}: {scriptBody.Length} characters");
        }
    }

    [Fact]
    public async Task Unknown_docs_assets_are_404_and_leave_the_request_as_it_was()
    {
        var (status, _, _) = await CallAsync(ApiPaths.Docs + "/assets/no-such.js");
        Assert.Equal(404, status);
        var (redirect, _, _) = await CallAsync(ApiPaths.Docs);
        Assert.Equal(302, redirect);
    }

    [Fact]
    public async Task Source_triggers_run_the_same_endpoints_with_etags_and_problem_details()
    {
        var body = "{\"plugin\":\"sample\",\"schedule\":\"0 0 * * * *\",\"settings\":{\"customers\":\"5\"},\"streams\":{\"customers\":{}}}";
        var (created, _, createdBody, createdHeaders) = await SendAsync("PUT", ApiPaths.Source("trig"), body);
        Assert.True(created == 201, createdBody);
        Assert.Equal("/api/v1/sources/trig", createdHeaders.Location.ToString());
        var etag = createdHeaders.ETag.ToString();
        Assert.Matches("^\"[0-9]+\"$", etag);

        var (stale, staleType, staleBody, _) = await SendAsync("PATCH", ApiPaths.Source("trig"), "{\"enabled\":false}", ifMatch: "\"999\"");
        Assert.Equal(412, stale);
        Assert.Equal("application/problem+json", staleType);
        Assert.Contains("If-Match", staleBody, StringComparison.Ordinal);

        var (patched, _, _, patchedHeaders) = await SendAsync("PATCH", ApiPaths.Source("trig"), "{\"enabled\":false}", ifMatch: etag);
        Assert.Equal(200, patched);
        Assert.NotEqual(etag, patchedHeaders.ETag.ToString());

        var (invalid, _, invalidBody, _) = await SendAsync("PATCH", ApiPaths.Source("trig"), "{\"schedule\":\"never\"}");
        Assert.Equal(422, invalid);
        Assert.Contains("\"$.schedule\"", invalidBody, StringComparison.Ordinal);

        Assert.Equal(404, (await SendAsync("GET", ApiPaths.Source("nope"), null)).Status);
        Assert.Equal(404, (await SendAsync("GET", "/api/v1/no-such-route", null)).Status);
        Assert.Equal("api:functionkey", await ActorOfLastChangeAsync("trig"));
    }

    private async Task<string> ActorOfLastChangeAsync(string target)
    {
        await using var connection = new NpgsqlConnection(_services.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT actor FROM daedalus.audit_log WHERE target = @target ORDER BY id DESC LIMIT 1", connection);
        command.Parameters.AddWithValue("target", target);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private async Task<(int Status, string ContentType, string Body, IHeaderDictionary Headers)> SendAsync(string method, string path, string? body, string? ifMatch = null)
    {
        await using var requestScope = _services.Provider.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = requestScope.ServiceProvider };
        context.Request.Method = method;
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("daedalus-prod.azurewebsites.net");
        context.Request.Path = path;
        if (body is not null)
        {
            context.Request.ContentType = "application/json";
            context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        }

        if (ifMatch is not null)
        {
            context.Request.Headers.IfMatch = ifMatch;
        }

        using var response = new MemoryStream();
        context.Response.Body = response;
        await _services.Get<ApiTriggerDispatcher>().Dispatch(context.Request).ExecuteAsync(context);
        return (context.Response.StatusCode, context.Response.ContentType ?? "", Encoding.UTF8.GetString(response.ToArray()), context.Response.Headers);
    }

    private async Task<(int Status, string ContentType, string Body)> CallAsync(string path, string? accept = null)
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
        await _services.Get<ApiTriggerDispatcher>().Dispatch(context.Request).ExecuteAsync(context);
        Assert.Same(requestScope.ServiceProvider, context.RequestServices);
        return (context.Response.StatusCode, context.Response.ContentType ?? "", Encoding.UTF8.GetString(body.ToArray()));
    }

    [GeneratedRegex("<script[^>]*\\ssrc=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();
}
