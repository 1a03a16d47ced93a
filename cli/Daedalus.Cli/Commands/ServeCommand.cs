using System.CommandLine;
using Daedalus.Hosting;
using Daedalus.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Daedalus.Cli.Commands;

/// <summary><c>daedalus serve</c>: the self-host (API + scheduler + queue worker) in this process until stopped.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where the HTTP API listens (semicolon-separated)", DefaultValueFactory = _ => SelfHost.DefaultUrls };
        var command = new Command("serve", "Run the API, the scheduler (sources' own schedules) and the queue worker in this process") { urls };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var verbose = parse.GetValue(CommonOptions.Verbose);
            var configuration = await CliHost.ResolveAsync(verbose, cancellationToken);
            await using var app = SelfHost.Build(configuration, parse.GetValue(urls)!, logging => logging
                .AddSimpleConsole(o => o.SingleLine = true)
                .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning)
                .AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information)
                .AddFilter("System.Net.Http", LogLevel.Warning)
                .AddFilter("Azure", LogLevel.Warning));
            var database = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value;
            if (database.MigrateOnStart)
            {
                await app.Services.GetRequiredService<Migrator>().MigrateAsync(cancellationToken);
            }

            await app.StartAsync(cancellationToken);
            await app.WaitForShutdownAsync(cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }
}
