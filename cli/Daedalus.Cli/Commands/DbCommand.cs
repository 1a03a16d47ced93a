using System.CommandLine;
using Daedalus.Metrics;
using Daedalus.Pipeline;
using Daedalus.Runs;
using Daedalus.Sources.Sample;
using Daedalus.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Daedalus.Cli.Commands;

/// <summary><c>daedalus db migrate|seed</c>.</summary>
public static class DbCommand
{
    public static Command Create()
    {
        var migrate = new Command("migrate", "Apply pending schema migrations");
        migrate.SetAction(async (parse, cancellationToken) =>
        {
            await using var provider = await CliHost.StartAsync(parse.GetValue(CommonOptions.Verbose), cancellationToken, migrate: false);
            var applied = await provider.GetRequiredService<Migrator>().MigrateAsync(cancellationToken);
            Console.WriteLine(applied.Count == 0 ? "Database is up to date." : $"Applied: {string.Join(", ", applied)}");
            return ExitCodes.Ok;
        });

        var customers = new Option<long>("--customers") { Description = "Customers to generate (invoices: 2 per customer)", DefaultValueFactory = _ => 20_000 };
        var seed = new Command("seed", "Fill the database with realistic test data: the sample source, synced twice (initial load plus one generation of updates and deletes), and an hour of queue depth readings") { customers };
        seed.SetAction(async (parse, cancellationToken) =>
        {
            await using var provider = await CliHost.StartAsync(parse.GetValue(CommonOptions.Verbose), cancellationToken);
            var source = SampleSourceDefinition.Create("seed_sample", parse.GetValue(customers));
            await provider.GetRequiredService<SourceCatalog>().UpsertAsync(source, "cli:db seed", cancellationToken);
            var runner = provider.GetRequiredService<SyncRunner>();
            var sink = provider.GetRequiredService<InProcessSink>();
            var first = await runner.RunAsync([source.Name], sink, "seed", null, cancellationToken);
            var second = await runner.RunAsync([source.Name], sink, "seed", null, cancellationToken);
            SummaryTable.Write([.. first, .. second]);

            // The queue panels of the pipeline dashboard need readings a scheduler would otherwise write.
            await using (var connection = await provider.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(cancellationToken))
            {
                await QueueDepthHistory.WriteAsync(connection, "daedalus-batches", provider.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);
            }

            await SourceLagGauge.RecordAsync(provider.GetRequiredService<NpgsqlDataSource>(), provider.GetRequiredService<TimeProvider>(), cancellationToken);

            Console.WriteLine("Wrote an hour of queue depth history (daedalus_queue_depth) and each source's lag (daedalus_source_lag_seconds).");
            return first.Concat(second).Any(s => s.Status == RunStatus.Failed) ? ExitCodes.Failed : ExitCodes.Ok;
        });

        return new Command("db", "Database schema and test data") { migrate, seed };
    }
}
