using Daedalus.Metrics;
using Daedalus.Pipeline;
using Daedalus.Runs;
using Daedalus.Sources.Sample;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Daedalus.Tests.Grafana;

/// <summary>
/// The API on a database seeded like <c>daedalus db seed</c> (the sample source synced twice, an hour of queue
/// depth readings), plus a stale source (its only success long ago) and a disabled one, for the lag panel.
/// </summary>
public sealed class SeededApiServer : IAsyncLifetime
{
    public ApiServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ApiServer.StartAsync("grafana_http");
        var catalog = Server.Get<SourceCatalog>();
        var runner = Server.Get<SyncRunner>();
        var sink = Server.Get<InProcessSink>();
        await catalog.UpsertAsync(SampleSourceDefinition.Create("sample", 2_000), "test", CancellationToken.None);
        await catalog.UpsertAsync(SampleSourceDefinition.Create("stale", 50, "stale_sample"), "test", CancellationToken.None);
        await catalog.UpsertAsync(SampleSourceDefinition.Create("paused", 50, "paused_sample"), "test", CancellationToken.None);
        foreach (var (source, runs) in new[] { ("sample", 2), ("stale", 1), ("paused", 1) })
        {
            for (var run = 0; run < runs; run++)
            {
                var summaries = await runner.RunAsync([source], sink, "test", null, CancellationToken.None);
                Assert.All(summaries, s => Assert.Equal(RunStatus.Succeeded, s.Status));
            }
        }

        var paused = SampleSourceDefinition.Create("paused", 50, "paused_sample");
        paused.Enabled = false;
        await catalog.UpsertAsync(paused, "test", CancellationToken.None);

        await using var connection = new NpgsqlConnection(Server.ConnectionString);
        await connection.OpenAsync();
        // The stale source's only success was long ago: its lag is far beyond a schedule interval.
        await connection.ExecuteAsync("UPDATE daedalus.runs SET started_at = started_at - interval '30 days', finished_at = finished_at - interval '30 days' WHERE source = 'stale'");
        await QueueDepthHistory.WriteAsync(connection, "daedalus-batches", DateTimeOffset.UtcNow, CancellationToken.None);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
