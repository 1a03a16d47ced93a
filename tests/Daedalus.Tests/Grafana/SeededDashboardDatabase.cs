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
/// A migrated database seeded like <c>daedalus db seed</c>: the sample source synced twice (the second run
/// applies updates and deletes), an hour of queue depth readings and one lag reading per source.
/// </summary>
public sealed class SeededDashboardDatabase : IAsyncLifetime
{
    private CoreServices _core = null!;

    public string ConnectionString => _core.ConnectionString;

    public async Task InitializeAsync()
    {
        _core = await CoreServices.StartAsync("grafana");
        await _core.Get<SourceCatalog>().UpsertAsync(SampleSourceDefinition.Create("sample", 5_000), "test", CancellationToken.None);
        var runner = _core.Get<SyncRunner>();
        for (var run = 0; run < 2; run++)
        {
            var summaries = await runner.RunAsync(["sample"], _core.Get<InProcessSink>(), "test", null, CancellationToken.None);
            Assert.All(summaries, s => Assert.Equal(RunStatus.Succeeded, s.Status));
        }

        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        await connection.OpenAsync();
        await QueueDepthHistory.WriteAsync(connection, "daedalus-batches", DateTimeOffset.UtcNow, CancellationToken.None);
        await SourceLagGauge.RecordAsync(_core.Get<NpgsqlDataSource>(), TimeProvider.System, CancellationToken.None);

        // Two runs are too little history for the detector (it needs 8): one anomaly row stands in for the panel.
        await connection.ExecuteAsync(
            """
            INSERT INTO daedalus.run_anomalies (run_id, source, stream, metric, value, expected, low, high, score, baseline_runs, seasonal)
            SELECT id, source, 'customers', 'rows', 480, 5000, 4100, 5900, -11.2, 12, false FROM daedalus.runs ORDER BY started_at DESC LIMIT 1
            """);
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();
}
