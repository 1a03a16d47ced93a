using Daedalus.Api;
using Daedalus.Queues;
using Daedalus.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Daedalus.Hosting;

/// <summary>
/// <c>daedalus serve</c>: the scheduler's cron loop, the queue worker and the HTTP routes in one ASP.NET Core
/// process, on the same shared core, settings and queue names as the Functions app.
/// </summary>
public static class SelfHost
{
    public const string DefaultUrls = "http://127.0.0.1:8080";

    /// <param name="configuration">Fully resolved settings (database connection included).</param>
    public static WebApplication Build(IConfiguration configuration, string urls, Action<ILoggingBuilder>? logging = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(configuration);
        builder.WebHost.UseUrls(urls);
        builder.Logging.ClearProviders();
        if (logging is null)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        }
        else
        {
            logging(builder.Logging);
        }

        builder.Services.AddDaedalusCore(builder.Configuration);
        builder.Services.AddHostedService<QueueWorker>();
        builder.Services.AddHostedService<ScheduleLoop>();
        var app = builder.Build();
        MapRoutes(app);
        return app;
    }

    /// <summary>Every HTTP route of the self-host; the Functions app exposes the same through HttpTriggers.</summary>
    public static void MapRoutes(IEndpointRouteBuilder endpoints) => StatusEndpoint.Map(endpoints);
}
