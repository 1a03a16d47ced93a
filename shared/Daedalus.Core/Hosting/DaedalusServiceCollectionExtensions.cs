using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using Daedalus.Alerting;
using Daedalus.Anomalies;
using Daedalus.Api;
using Daedalus.Configuration;
using Daedalus.Ingest;
using Daedalus.Pipeline;
using Daedalus.Queues;
using Daedalus.Scheduling;
using Daedalus.Security;
using Daedalus.Sources;
using Daedalus.Storage;
using Daedalus.Telemetry;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Daedalus.Hosting;

/// <summary>Registers the shared core both hosts (Functions and the CLI/self-host) run on.</summary>
public static class DaedalusServiceCollectionExtensions
{
    public static IServiceCollection AddDaedalusCore(this IServiceCollection services, IConfiguration configuration)
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection("Daedalus:Database"))
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), "Daedalus:Database:ConnectionString is required (hosts resolve the embedded cluster before building services)")
            .Validate(o => !o.EntraAuthentication || string.IsNullOrEmpty(PasswordOf(o.ConnectionString)), "Daedalus:Database:EntraAuthentication sends an Entra token as the password: remove the Password from Daedalus:Database:ConnectionString")
            .ValidateOnStart();
        services.AddOptions<SyncOptions>().Bind(configuration.GetSection("Daedalus:Sync")).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection("Daedalus:Security"))
            .Validate(o => o.SecretProvider is "local" or "keyvault", "Daedalus:Security:SecretProvider must be local or keyvault")
            .Validate(o => o.KeyProvider is "local" or "keyvault", "Daedalus:Security:KeyProvider must be local or keyvault")
            .Validate(o => (o.SecretProvider != "keyvault" && o.KeyProvider != "keyvault") || Uri.TryCreate(o.KeyVaultUri, UriKind.Absolute, out _), "Daedalus:Security:KeyVaultUri is required for keyvault providers")
            .ValidateOnStart();

        services.AddOptions<Retention.RetentionOptions>().Bind(configuration.GetSection("Daedalus:Retention")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Retention.RetentionOptions>, Retention.RetentionOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        // One credential (and token cache) for Key Vault and PostgreSQL; a host may register its own first.
        services.TryAddSingleton(_ => AzureCredentials.Create(null));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
            if (options.EntraAuthentication)
            {
                builder.UseEntraTokenPassword(sp.GetRequiredService<TokenCredential>());
            }

            return builder.Build();
        });
        services.AddHttpClient();
        services.AddSourcePlugins();

        services.AddSingleton<ISecretStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SecurityOptions>>().Value;
            return sp.GetServices<SecretStoreFactory>().FirstOrDefault(f => f.Provider == options.SecretProvider)?.Create(sp)
                ?? new LocalSecretStore(options.SecretFile);
        });
        services.AddSingleton<IKeyProvider>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SecurityOptions>>().Value;
            return sp.GetServices<KeyProviderFactory>().FirstOrDefault(f => f.Provider == options.KeyProvider)?.Create(sp)
                ?? new LocalKeyFileProvider(options.KeyFile);
        });
        services.AddSingleton<ColumnProtector>();

        services.AddSingleton<SourceDefinitionValidator>();
        services.AddSingleton<ConfigLoader>();
        services.AddSingleton<Migrator>();
        services.AddSingleton<SourceCatalog>();
        services.AddSingleton<CursorStore>();
        services.AddSingleton<RunStore>();
        services.AddSingleton<Runs.RunEventStore>();
        services.AddSingleton<Retention.RetentionPruner>();
        services.AddSingleton<EnqueuedBatchStore>();
        services.AddSingleton<TargetTableManager>();
        services.AddSingleton<BatchLoader>();
        services.AddSingleton<BatchPreparer>();
        services.AddSingleton<InProcessSink>();
        services.AddSingleton<SyncRunner>();
        // The pipeline's spans; exported to Application Insights when the host has its connection string.
        services.AddOpenTelemetry().WithTracing(tracing => tracing
            .AddSource(DaedalusTracing.SourceName)
            .AddAzureMonitorWhenConfigured(configuration));
        services.AddDaedalusAlerting(configuration);
        services.AddDaedalusQueue(configuration);
        services.AddDaedalusKeyVault();
        return services;
    }

    /// <summary>The batch and pull queues, their handlers, the queue sink, the pull requester and the scheduler. Storage is connected on first use.</summary>
    public static IServiceCollection AddDaedalusQueue(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<QueueOptions>().Bind(configuration.GetSection("Daedalus:Queue")).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => StorageClients.FromConfiguration(configuration, sp.GetRequiredService<IOptions<QueueOptions>>().Value.Connection));
        services.AddSingleton<AzureBatchQueue>();
        // IBatchQueue only where storage is configured: the API reports the queue as absent otherwise.
        // The hosts that need the queue (serve, Functions) resolve AzureBatchQueue and fail with the setting to fix.
        if (StorageClients.IsConfigured(configuration, configuration["Daedalus:Queue:Connection"] ?? "AzureWebJobsStorage"))
        {
            services.AddSingleton<IBatchQueue>(sp => sp.GetRequiredService<AzureBatchQueue>());
        }

        services.AddSingleton<BatchMessageHandler>();
        services.AddSingleton<AzurePullQueue>();
        services.AddSingleton<PullMessageHandler>();
        services.AddSingleton<PullRequester>();
        services.AddSingleton(sp => new QueueSink(sp.GetRequiredService<AzureBatchQueue>(), sp.GetRequiredService<CursorStore>(), sp.GetRequiredService<BatchPreparer>(), sp.GetRequiredService<EnqueuedBatchStore>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<QueueSink>>()));
        services.AddSingleton<RunSupervisor>();
        services.AddSingleton<Scheduler>();
        services.AddSingleton<SourceRetirementReader>();
        return services;
    }

    /// <summary>Notifications (outbox, dispatcher, freshness watch) and anomaly detection; docs/alerting.md.</summary>
    public static IServiceCollection AddDaedalusAlerting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection("Daedalus:Notifications")).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(NotificationDispatcher.HttpClientName);
        services.TryAddSingleton<SourceFreshnessReader>();
        services.AddSingleton<NotificationSettingsStore>();
        services.AddSingleton<NotificationOutbox>();
        services.AddSingleton<FreshnessWatch>();
        services.AddSingleton<NotificationDispatcher>();
        services.AddSingleton<RunAnomalyStore>();
        services.AddSingleton<RunAnomalyMonitor>();
        services.AddSingleton<PipelineAlerts>();
        return services;
    }

    /// <summary>Key Vault secret store and key provider, chosen by <c>Daedalus:Security:SecretProvider/KeyProvider = keyvault</c>.</summary>
    private static IServiceCollection AddDaedalusKeyVault(this IServiceCollection services)
    {
        static SecretClient Client(IServiceProvider sp) => new(
            new Uri(sp.GetRequiredService<IOptions<SecurityOptions>>().Value.KeyVaultUri!),
            sp.GetRequiredService<TokenCredential>());
        services.AddSingleton(new SecretStoreFactory("keyvault", sp => new KeyVaultSecretStore(Client(sp))));
        services.AddSingleton(new KeyProviderFactory("keyvault", sp => new KeyVaultKeyProvider(Client(sp), sp.GetRequiredService<TimeProvider>())));
        return services;
    }

    private static string? PasswordOf(string? connectionString)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString).Password;
        }
        catch (ArgumentException)
        {
            // Malformed: the data source reports it with Npgsql's message on first use.
            return null;
        }
    }
}
