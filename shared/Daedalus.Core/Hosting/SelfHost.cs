using Daedalus.Alerting;
using Daedalus.Api;
using Daedalus.Queues;
using Daedalus.Scheduling;
using Daedalus.WebConsole;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Daedalus.Hosting;

/// <summary>
/// <c>daedalus serve</c>: the scheduler's cron loop, the pull worker, the batch queue worker and the HTTP routes in one
/// ASP.NET Core process, on the same shared core, settings and queue names as the Functions app.
/// </summary>
public static class SelfHost
{
    public const string DefaultUrls = "http://127.0.0.1:8080";

    /// <param name="configuration">Fully resolved settings (database connection included).</param>
    public static WebApplication Build(IConfiguration configuration, string urls, Action<ILoggingBuilder>? logging = null)
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
        builder.Services.AddHostedService<QueueWorker>();
        builder.Services.AddHostedService<PullWorker>();
        builder.Services.AddHostedService<ScheduleLoop>();
        builder.Services.AddHostedService<NotificationLoop>();
        var app = builder.Build();
        app.UseDaedalusProblemDetails();
        // The API route table; the Functions app exposes the same routes through HttpTriggers.
        app.MapDaedalusApi();
        // The web console (console/ built into this assembly), served beside the API; the Functions app serves it too.
        app.MapDaedalusConsole();
        return app;
    }
}
