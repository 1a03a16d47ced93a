using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Sources.QuickBooks;

public static class QuickBooksServiceCollectionExtensions
{
    /// <summary>The QuickBooks Online plugin and its resilient HTTP client (named after the plugin, as SyncRunner asks for it).</summary>
    public static IServiceCollection AddQuickBooksSource(this IServiceCollection services)
    {
        services.AddSingleton<ISourcePlugin, QuickBooksSourcePlugin>();
        services.AddSourceHttpClient(QuickBooksSourcePlugin.PluginName);
        return services;
    }
}
