using Daedalus.Metrics;
using Daedalus.Security;
using Daedalus.Storage;
using Daedalus.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Daedalus.Api;

/// <summary>Registers what the API needs on top of <c>AddDaedalusCore</c>: options, auth, runs, telemetry, OpenAPI.</summary>
public static class ApiServiceCollectionExtensions
{
    public static IServiceCollection AddDaedalusApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection("Daedalus:Api")).ValidateDataAnnotations()
            .Validate(o => o.Auth is ApiOptions.ApiKeyAuth or ApiOptions.NoAuth or ApiOptions.FunctionKeysAuth, "Daedalus:Api:Auth must be apikey, none or functionkeys")
            .Validate(o => string.IsNullOrEmpty(o.SessionKeySha256) || o.SessionKeySha256.Length == 64, "Daedalus:Api:SessionKeySha256 must be 64 hex digits")
            .ValidateOnStart();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<ApiKeyVerifier>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<SeriesReader>();
        services.AddSingleton<SourceFreshnessReader>();
        services.AddSingleton<DependencyChecks>();
        services.AddSingleton<RunLauncher>();
        services.AddSingleton<PipelineGaugeRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<PipelineGaugeRefresher>());
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddSingleton<ApiDocumentation>();
        services.AddSingleton<PrometheusScrape>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(DaedalusInstruments.MeterName)
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter()
            .AddAzureMonitorWhenConfigured(configuration));
        return services;
    }
}
