using Daedalus.Api;
using Daedalus.Application.Catalog;
using Daedalus.Application.Keys;
using Daedalus.Application.Notifications;
using Daedalus.Application.PoisonQueues;
using Daedalus.Application.Runs;
using Daedalus.Application.Sources;
using Daedalus.Application.Status;
using Daedalus.Application.Streams;
using Daedalus.Application.TimeSeries;
using Daedalus.Metrics;
using Daedalus.Queues;
using Daedalus.Security;
using Daedalus.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Application;

/// <summary>The application services the API endpoints, the Functions triggers and the CLI's local mode call.</summary>
public static class ApplicationServiceCollectionExtensions
{
    /// <summary>Registers them on top of <c>AddDaedalusCore</c>; <see cref="RunLauncher"/> reads <see cref="ApiOptions"/>.</summary>
    public static IServiceCollection AddDaedalusApplication(this IServiceCollection services)
    {
        services.AddOptions<ApiOptions>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<SeriesReader>();
        services.AddSingleton<DependencyChecks>();
        services.AddSingleton<RunLauncher>();
        services.AddSingleton<SourceService>();
        services.AddSingleton<SourceProbes.SourceProbeService>();
        services.AddSingleton<RunService>();
        services.AddSingleton<StreamService>();
        services.AddSingleton<PoisonBatchService>();
        // The pull queue only where storage is configured (IBatchQueue says so); constructing it otherwise would fail.
        services.AddSingleton(sp => new PoisonPullService(sp.GetRequiredService<AuditLog>(), sp.GetService<IBatchQueue>() is null ? null : sp.GetRequiredService<AzurePullQueue>()));
        services.AddSingleton<NotificationService>();
        services.AddSingleton<TimeSeriesService>();
        services.AddSingleton<StatusService>();
        services.AddSingleton<CatalogService>();
        services.AddSingleton<KeyService>();
        services.AddSingleton<Decrypt.ProtectedValueReader>();
        return services;
    }
}
