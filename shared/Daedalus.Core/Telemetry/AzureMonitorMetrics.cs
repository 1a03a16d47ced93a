using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using Daedalus.Hosting;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Metrics;

namespace Daedalus.Telemetry;

/// <summary>
/// Sends the metrics also served at <c>/api/v1/metrics</c> to Application Insights when the host has an
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> (infra sets it on the Function App). A Prometheus scrape reaches one
/// Functions instance at a time; Application Insights gets every instance's. infra disables local auth, so
/// <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING = "ClientId=…;Authorization=AAD"</c> names the identity to send with,
/// the same setting the Functions host reads.
/// </summary>
public static class AzureMonitorMetrics
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    public static MeterProviderBuilder AddAzureMonitorWhenConfigured(this MeterProviderBuilder metrics, IConfiguration configuration)
    {
        var connectionString = configuration[ConnectionStringSetting];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return metrics;
        }

        var credential = Credential(configuration[AuthenticationStringSetting]);
        return metrics.AddAzureMonitorMetricExporter(options =>
        {
            options.ConnectionString = connectionString;
            options.Credential = credential;
        });
    }

    /// <summary>Null for instrumentation-key auth (no authentication string); an Entra credential for <c>Authorization=AAD</c>.</summary>
    internal static TokenCredential? Credential(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString))
        {
            return null;
        }

        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || !parts.TryAdd(pair[0], pair[1]))
            {
                throw new InvalidOperationException($"{AuthenticationStringSetting}: '{part}' is not a Key=Value pair (expected \"ClientId=<guid>;Authorization=AAD\")");
            }
        }

        if (!parts.TryGetValue("Authorization", out var authorization) || !authorization.Equals("AAD", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{AuthenticationStringSetting} must say Authorization=AAD (expected \"ClientId=<guid>;Authorization=AAD\")");
        }

        return AzureCredentials.Create(parts.GetValueOrDefault("ClientId"));
    }
}
