using Daedalus.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Daedalus.Api;

/// <summary>
/// A Kestrel host serving the API over the shared core: used by the CLI (in-process, on a loopback port, for one
/// command) and by the tests. URLs like <c>http://127.0.0.1:0</c> picks a free port.
/// </summary>
public static class ApiWebApplication
{
    public static WebApplication Build(IConfiguration configuration, string urls, Action<ILoggingBuilder>? logging = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = typeof(ApiWebApplication).Assembly.GetName().Name });
        builder.Configuration.AddConfiguration(configuration);
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.Logging.ClearProviders();
        logging?.Invoke(builder.Logging);
        builder.Services.AddDaedalusCore(builder.Configuration);
        builder.Services.AddDaedalusApi(builder.Configuration);
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseDaedalusProblemDetails();
        app.MapDaedalusApi();
        return app;
    }

    /// <summary>The address Kestrel actually bound (with the real port when 0 was asked for).</summary>
    public static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
}
