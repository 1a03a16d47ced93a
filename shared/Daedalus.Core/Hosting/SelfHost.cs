using Daedalus.Alerting;
using Daedalus.Api;
using Daedalus.Queues;
using Daedalus.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Daedalus.Hosting;

/// <summary>
/// <c>daedalus serve</c>: the scheduler's cron loop, the pull worker, the batch queue worker and the HTTP routes in one
/// ASP.NET Core process, on the same shared core, settings and queue names as the Functions app. The one way the API is
/// hosted on Kestrel: <c>bench-api</c> and the tests' API fixture build it here too, without the background workers.
/// </summary>
public static class SelfHost
{
    public const string DefaultUrls = "http://127.0.0.1:8080";

    /// <param name="configuration">Fully resolved settings (database connection included).</param>
    /// <param name="urls">Where Kestrel listens, semicolon-separated; <c>http://127.0.0.1:0</c> picks a free port (see <see cref="Address"/>).</param>
    /// <param name="logging">Log providers and levels; null: single-line console.</param>
    /// <param name="workers">False: the API alone (no scheduler, pull worker, queue worker or notification loop), for a benchmark or a test.</param>
    /// <param name="services">Last say over the services (tests replace a seam here).</param>
    public static WebApplication Build(IConfiguration configuration, string urls, Action<ILoggingBuilder>? logging = null, bool workers = true, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = typeof(SelfHost).Assembly.GetName().Name });
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

        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.Services.AddDaedalusCore(builder.Configuration);
        builder.Services.AddDaedalusApi(builder.Configuration);
        if (workers)
        {
            builder.Services.AddHostedService<QueueWorker>();
            builder.Services.AddHostedService<PullWorker>();
            builder.Services.AddHostedService<ScheduleLoop>();
            builder.Services.AddHostedService<NotificationLoop>();
        }

        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseDaedalusProblemDetails();
        // The API route table; the Functions app exposes the same routes through HttpTriggers.
        app.MapDaedalusApi();
        // The web console (console/ built into this assembly), served beside the API; the Functions app serves it too.
        return app;
    }

    /// <summary>The address Kestrel actually bound (with the real port when 0 was asked for); valid once started.</summary>
    public static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
}
