using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Sources.Snowflake;

public static class SnowflakeServiceCollectionExtensions
{
    /// <summary>The Snowflake plugin and its HTTP client (resilience, retry flag on re-sent submissions, gzip).</summary>
    public static IServiceCollection AddSnowflakeSource(this IServiceCollection services)
    {
        services.AddSingleton<ISourcePlugin, SnowflakeSourcePlugin>();
        services.AddTransient<StatementRetryFlagHandler>();
        services.AddSourceHttpClient(SnowflakeSourcePlugin.PluginName)
            .AddHttpMessageHandler<StatementRetryFlagHandler>()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });
        return services;
    }
}
