using Daedalus.Sources.Files;
using Daedalus.Sources.Monday;
using Daedalus.Sources.QuickBooks;
using Daedalus.Sources.Rest;
using Daedalus.Sources.Sample;
using Daedalus.Sources.Snowflake;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Sources;

/// <summary>The one place plugins are registered: one line per plugin folder.</summary>
public static class SourcePluginServiceCollectionExtensions
{
    public static IServiceCollection AddSourcePlugins(this IServiceCollection services)
    {
        services.AddSingleton<ISourcePlugin, SampleSourcePlugin>();
        services.AddMondaySource();
        services.AddSnowflakeSource();
        services.AddQuickBooksSource();
        services.AddSingleton<ISourcePlugin, FilesSourcePlugin>();
        services.AddRestSource();
        services.AddSingleton<SourcePluginRegistry>();
        return services;
    }
}
