using Daedalus.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Daedalus.Api;

/// <summary>
/// The OpenAPI document and its browsable UI (Scalar). Microsoft.AspNetCore.OpenApi describes the endpoints of an
/// ASP.NET Core app, and the Functions worker has none (its routes are triggers), so both hosts serve these from one
/// private app that maps the route table for description only and is never started: the same document either way,
/// with the security scheme of the host's auth mode.
/// </summary>
public sealed class ApiDocumentation(IOptions<ApiOptions> options) : IAsyncDisposable
{
    private readonly Lazy<(WebApplication App, RequestDelegate Pipeline)> _app = new(() => Build(options.Value.Auth));

    public async Task ServeAsync(HttpContext context)
    {
        var (app, pipeline) = _app.Value;
        // The host has already routed this request; the private app routes it again among its own endpoints.
        var outerServices = context.RequestServices;
        var outerEndpoint = context.GetEndpoint();
        var outerRouteValues = new RouteValueDictionary(context.Request.RouteValues);
        await using var scope = app.Services.CreateAsyncScope();
        context.RequestServices = scope.ServiceProvider;
        context.SetEndpoint(null);
        context.Request.RouteValues.Clear();
        try
        {
            await pipeline(context);
        }
        finally
        {
            context.RequestServices = outerServices;
            context.SetEndpoint(outerEndpoint);
            context.Request.RouteValues = outerRouteValues;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app.IsValueCreated)
        {
            await _app.Value.App.DisposeAsync();
        }
    }

    private static (WebApplication, RequestDelegate) Build(string auth)
    {
        // Empty: no configuration files or watchers, no logging; its server is never started, it only handles forwarded requests.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [], ApplicationName = typeof(ApiDocumentation).Assembly.GetName().Name, ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRouting();
        builder.Services.AddOpenApi("v1", openApi =>
        {
            openApi.AddDocumentTransformer((document, _, _) => Describe(document, auth));
            openApi.AddOperationTransformer((operation, context, _) => RequireKey(operation, context, auth));
        });
        var app = builder.Build();
        app.UseRouting();
        app.MapApiRoutes(ApiRoutes.All.Where(r => r.Described));
        app.MapOpenApi(ApiPaths.OpenApi);
        app.MapScalarApiReference(ApiPaths.Docs, scalar => scalar
            .WithTitle("Daedalus API")
            .WithOpenApiRoutePattern(ApiPaths.OpenApi)
            // Offline, and only what serves this API: no fonts from fonts.scalar.com, no AI agent or MCP, no
            // "open in client" / deploy / SDK generation (developer tools), no telemetry.
            .DisableDefaultFonts()
            .DisableAgent()
            .DisableMcp()
            .DisableTelemetry()
            .HideClientButton()
            .HideDeveloperTools());
        app.UseEndpoints(_ => { });
        return (app, ((IApplicationBuilder)app).Build());
    }

    private static Task Describe(OpenApiDocument document, string auth)
    {
        document.Info.Title = "Daedalus API";
        document.Info.Description = "Sources, runs, status, metrics and time series of a Daedalus deployment. " + auth switch
        {
            ApiOptions.ApiKeyAuth => "Authenticate with `Authorization: Bearer <key>` or `X-Api-Key: <key>` (keys from `daedalus keys create`).",
            ApiOptions.FunctionKeysAuth => $"Hosted in Azure Functions: send a function key as `{DaedalusClient.FunctionKeyHeader}: <key>` (or `?code=<key>`).",
            _ => "This deployment runs without authentication (`Daedalus:Api:Auth = none`).",
        };
        var schemes = SecuritySchemes(auth);
        if (schemes.Count > 0)
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes = schemes;
        }

        return Task.CompletedTask;
    }

    private static Task RequireKey(OpenApiOperation operation, OpenApiOperationTransformerContext context, string auth)
    {
        var route = context.Description.ActionDescriptor.EndpointMetadata.OfType<ApiRoute>().FirstOrDefault();
        if (route is not null && route.Scope != ApiScope.Anonymous)
        {
            // Alternatives: any one of the host's schemes is enough.
            operation.Security = [.. SecuritySchemes(auth).Keys.Select(id => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(id, context.Document)] = [] })];
        }

        return Task.CompletedTask;
    }

    private static Dictionary<string, IOpenApiSecurityScheme> SecuritySchemes(string auth) => auth switch
    {
        ApiOptions.ApiKeyAuth => new()
        {
            ["bearer"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An API key from `daedalus keys create` (read or write scope)." },
            ["apiKeyHeader"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-Api-Key", Description = "The same API key, in a header of its own." },
        },
        ApiOptions.FunctionKeysAuth => new()
        {
            ["functionKey"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = DaedalusClient.FunctionKeyHeader, Description = "A function or host key of the Function App (`az functionapp keys list`)." },
            ["functionKeyQuery"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Query, Name = "code", Description = "The same key as a query parameter." },
        },
        _ => [],
    };
}
