using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Sources.Rest;

public static class RestServiceCollectionExtensions
{
    /// <summary>The rest plugin and its resilient HTTP client (named after the plugin, as SyncRunner asks for it).</summary>
    public static IServiceCollection AddRestSource(this IServiceCollection services)
    {
        services.AddSingleton<ISourcePlugin, RestSourcePlugin>();
        services.AddSourceHttpClient(RestSourcePlugin.PluginName);
        return services;
    }
}
