using System.Text.Json;
using System.Text.Json.Serialization;
using Daedalus.Application;
using Daedalus.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Daedalus.Api;

/// <summary>Registers what the API needs on top of <c>AddDaedalusCore</c>: options, auth, the application services, telemetry, OpenAPI.</summary>
public static class ApiServiceCollectionExtensions
{
    public static IServiceCollection AddDaedalusApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection("Daedalus:Api")).ValidateDataAnnotations()
            .Validate(o => ApiAuthModes.TryParse(o.Auth, out _), $"Daedalus:Api:Auth must be one of {string.Join(", ", ApiAuthModes.All)} (lower case)")
            .ValidateOnStart();
        services.AddDaedalusApplication();
        services.AddSingleton<ApiKeyVerifier>();
        services.AddSingleton<PipelineGaugeRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<PipelineGaugeRefresher>());
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        // Typed results serialize with these: the wire format of Daedalus.Client (camelCase, enums as strings, no nulls).
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        services.AddDaedalusOpenApi();
        services.AddSingleton<PrometheusScrape>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(DaedalusInstruments.MeterName)
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter()
            .AddAzureMonitorWhenConfigured(configuration));
        return services;
    }

    /// <summary>
    /// For the Azure Functions worker, which has HTTP triggers rather than endpoints: the API's endpoints are mapped
    /// into <see cref="ApiTriggerDispatcher"/>, which each trigger calls, and are what the OpenAPI document describes.
    /// </summary>
    public static IServiceCollection AddDaedalusApiTriggers(this IServiceCollection services)
    {
        services.AddRouting();
        services.AddSingleton<ApiTriggerDispatcher>();
        // The API explorer behind the OpenAPI document reads endpoints from this service; the worker has no others.
        services.AddSingleton<Microsoft.AspNetCore.Routing.EndpointDataSource>(sp => sp.GetRequiredService<ApiTriggerDispatcher>().Endpoints);
        return services;
    }
}
