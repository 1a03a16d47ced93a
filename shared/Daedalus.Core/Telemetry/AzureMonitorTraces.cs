using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Trace;

namespace Daedalus.Telemetry;

/// <summary>
/// Sends the pipeline's spans (<see cref="DaedalusTracing"/>) to Application Insights under the same settings as
/// <see cref="AzureMonitorMetrics"/>: one run is then one end-to-end transaction there, from the timer to the merge.
/// </summary>
public static class AzureMonitorTraces
{
    public static TracerProviderBuilder AddAzureMonitorWhenConfigured(this TracerProviderBuilder tracing, IConfiguration configuration)
    {
        var connectionString = configuration[AzureMonitorMetrics.ConnectionStringSetting];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return tracing;
        }

        var credential = AzureMonitorMetrics.Credential(configuration[AzureMonitorMetrics.AuthenticationStringSetting]);
        return tracing.AddAzureMonitorTraceExporter(options =>
        {
            options.ConnectionString = connectionString;
            options.Credential = credential;
        });
    }
}
