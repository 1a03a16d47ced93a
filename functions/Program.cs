using Daedalus.Api;
using Daedalus.Hosting;
using Daedalus.Queues;
using Daedalus.Storage;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
// In Azure the Functions host checks function keys before a request reaches the API handlers.
builder.Configuration.AddInMemoryCollection([new("Daedalus:Api:Auth", "functionkeys")]);
builder.Services.AddDaedalusCore(builder.Configuration);
builder.Services.AddDaedalusApi(builder.Configuration);
// The API's endpoints, run by the HTTP triggers (functions/ApiFunctions.cs).
builder.Services.AddDaedalusApiTriggers();
// The QueueTriggers name their queues as literals; the queues the scheduler and the API send to must be the same ones.
builder.Services.AddOptions<QueueOptions>()
    .Validate(o => o.Name == QueueOptions.DefaultName, $"Daedalus:Queue:Name must be {QueueOptions.DefaultName} in the Functions app (the QueueTrigger listens there)")
    .Validate(o => o.PullName == QueueOptions.DefaultPullName, $"Daedalus:Queue:PullName must be {QueueOptions.DefaultPullName} in the Functions app (the pull QueueTrigger listens there)")
    .ValidateOnStart();

var app = builder.Build();
if (app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStart)
{
    await app.Services.GetRequiredService<Migrator>().MigrateAsync(CancellationToken.None);
}

await app.RunAsync();
