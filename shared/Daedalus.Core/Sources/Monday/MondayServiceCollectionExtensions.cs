using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Sources.Monday;

public static class MondayServiceCollectionExtensions
{
    /// <summary>The monday plugin and its resilient HTTP client (named after the plugin, as SyncRunner asks for it).</summary>
    public static IServiceCollection AddMondaySource(this IServiceCollection services)
    {
        services.AddSingleton<ISourcePlugin, MondaySourcePlugin>();
        services.AddSourceHttpClient(MondaySourcePlugin.PluginName);
        return services;
    }
}
