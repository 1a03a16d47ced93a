using System.Diagnostics;
using Daedalus.Configuration;
using Daedalus.Pipeline;
using Daedalus.Runs;
using Daedalus.Sources.Sample;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Daedalus.Tests.Hosting;

/// <summary>
/// Issue 10's fault test: the real <c>daedalus serve</c> process is killed with SIGKILL at random points (seeded, so a
/// failure can be replayed), restarted, and left to finish. Its tables, quarantine and metric points must then be
/// identical to an uninterrupted run of the same deterministic sample source, and no run may be left running.
/// </summary>
public sealed class KillRecoveryTests : IAsyncLifetime
{
    private const int Kills = 10;
    private CoreServices _reference = null!;
    private CoreServices _chaos = null!;
    private string _queueName = null!;

    public async Task InitializeAsync()
    {
        _reference = await CoreServices.StartAsync("kill_ref");
        _chaos = await CoreServices.StartAsync("kill_chaos");
        _queueName = AzuriteServer.UniqueQueueName("kill");
    }

    public async Task DisposeAsync()
    {
        await _reference.DisposeAsync();
        await _chaos.DisposeAsync();
    }

    private static SourceDefinition Source()
    {
        var source = SampleSourceDefinition.Create("chaos", 20_000);
        source.Settings["maxGenerations"] = "0";
        source.Schedule = "*/2 * * * * *";
        foreach (var stream in source.Streams)
        {
            // Encryption is randomised: compare plain values across the two databases.
            stream.Protect.Clear();
        }

        return source;
    }

    [Fact]
    public async Task Serve_killed_at_random_points_ends_with_the_same_tables_quarantine_and_metrics_as_an_uninterrupted_run()
    {
        // The uninterrupted run.
        await _reference.Get<SourceCatalog>().UpsertAsync(Source(), "test", CancellationToken.None);
        var reference = await _reference.Get<SyncRunner>().RunAsync(["chaos"], _reference.Get<InProcessSink>(), "test", null, CancellationToken.None);
        Assert.All(reference, s => Assert.Equal(RunStatus.Succeeded, s.Status));

        await _chaos.Get<SourceCatalog>().UpsertAsync(Source(), "test", CancellationToken.None);
        var environment = new Dictionary<string, string>
        {
            ["Daedalus__Database__ConnectionString"] = _chaos.ConnectionString,
            ["Daedalus__Security__KeyFile"] = Path.Combine(_chaos.Directory, "keys.json"),
            ["Daedalus__Security__SecretFile"] = Path.Combine(_chaos.Directory, "secrets.json"),
            ["Daedalus__Sync__MaxBatchRows"] = "500",
            ["AzureWebJobsStorage"] = await AzuriteServer.ConnectionStringAsync(),
            ["Daedalus__Queue__Name"] = _queueName,
            ["Daedalus__Queue__PullName"] = _queueName + "-pulls",
            ["Daedalus__Queue__VisibilityTimeout"] = "00:00:05",
            ["Daedalus__Queue__RetryDelay"] = "00:00:00",
            ["Daedalus__Queue__MaxPollingInterval"] = "00:00:00.250",
            ["Daedalus__Queue__LostAfter"] = "00:00:10",

            // A kill orphans the messages a worker holds; ten kills must not look like a batch that crashes its worker.
            ["Daedalus__Queue__MaxDequeueCount"] = "30",
        };

        var random = new Random(20261130);
        var killedAt = new List<int>();
        var killsIntoWork = 0;
        for (var i = 0; i < Kills; i++)
        {
            var runsBefore = await RunCountAsync(_chaos);
            using var serve = StartServe(environment);

            try
            {
                // Kill into work, not into start-up: on a loaded machine a serve can need seconds just to start,
                // and a fast one finishes the whole load in a few more; a delay counted from the process start would
                // hit either nothing yet or nothing left. So the random point is counted from this serve's first run.
                await Eventually.TrueAsync(
                    async () => await RunCountAsync(_chaos) > runsBefore,
                    TimeSpan.FromMinutes(2),
                    "the serve about to be killed started a run");
                var after = random.Next(200, 2_500);
                await Task.Delay(after);
                killedAt.Add(after);
                await using (var open = new NpgsqlConnection(_chaos.ConnectionString))
                {
                    killsIntoWork += await open.ExecuteScalarAsync<long>("SELECT count(*) FROM daedalus.runs WHERE status IN ('queued', 'running', 'loading')") > 0 ? 1 : 0;
                }
            }
            finally
            {
                // Also when a wait above fails: a serve left running would keep writing into the next test's database.
                serve.Kill(entireProcessTree: true);
                await serve.WaitForExitAsync();
            }
        }

        using (var last = StartServe(environment))
        {
            try
            {
                await Eventually.TrueAsync(
                    async () => await SettledAsync(_chaos) && await TargetsExistAsync(_chaos) && await CountsAsync(_chaos) == await CountsAsync(_reference),
                    TimeSpan.FromMinutes(3),
                    $"the restarted serve finished the work (killed after {string.Join(", ", killedAt)} ms)");
            }
            finally
            {
                last.Kill(entireProcessTree: true);
                await last.WaitForExitAsync();
            }
        }

        Assert.Equal(await TableAsync(_reference, "customers"), await TableAsync(_chaos, "customers"));
        Assert.Equal(await TableAsync(_reference, "invoices"), await TableAsync(_chaos, "invoices"));
        Assert.Equal(await QuarantineAsync(_reference), await QuarantineAsync(_chaos));
        Assert.Equal(await MetricsAsync(_reference), await MetricsAsync(_chaos));
        await using var connection = new NpgsqlConnection(_chaos.ConnectionString);
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM daedalus.runs WHERE status IN ('running', 'loading')"));
        // The kills hit work in progress (a run open at the moment of the kill), not idle processes.
        Assert.True(killsIntoWork > 0, $"no kill found a run open (killed after {string.Join(", ", killedAt)} ms)");
    }

    private static Process StartServe(IReadOnlyDictionary<string, string> environment)
    {
        SharedAzuriteQueues.Require(environment);
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        start.ArgumentList.Add(CliProcess.Assembly);
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("DAEDALUS", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Daedalus__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<long> RunCountAsync(CoreServices core)
    {
        await using var connection = new NpgsqlConnection(core.ConnectionString);
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM daedalus.runs");
    }

    private static async Task<bool> SettledAsync(CoreServices core)
    {
        await using var connection = new NpgsqlConnection(core.ConnectionString);
        return await connection.ExecuteScalarAsync<long>(
            "SELECT (SELECT count(*) FROM daedalus.runs WHERE status IN ('running', 'loading')) + (SELECT count(*) FROM daedalus.enqueued_batches WHERE state = 'queued')") == 0;
    }

    // On a loaded machine the killed serves may not have reached the first load, and the last one may not have either
    // when nothing is running yet: no target table is "not done", not an error.
    private static async Task<bool> TargetsExistAsync(CoreServices core)
    {
        await using var connection = new NpgsqlConnection(core.ConnectionString);
        return await connection.ExecuteScalarAsync<bool>("SELECT to_regclass('chaos.customers') IS NOT NULL AND to_regclass('chaos.invoices') IS NOT NULL");
    }

    private static async Task<(long, long, long)> CountsAsync(CoreServices core)
    {
        await using var connection = new NpgsqlConnection(core.ConnectionString);
        return await connection.QuerySingleAsync<(long, long, long)>(
            """
            SELECT (SELECT count(*) FROM chaos.customers), (SELECT count(*) FROM chaos.invoices), (SELECT count(*) FROM daedalus.quarantine)
            """);
    }

    private static async Task<List<string>> TableAsync(CoreServices core, string table)
    {
        await using var connection = new NpgsqlConnection(core.ConnectionString);
        return (await connection.QueryAsync<string>(
            $"SELECT (to_jsonb(t) - '_daedalus_batch_id' - '_daedalus_loaded_at' - '_daedalus_deleted_at' - '_daedalus_deleted_cursor')::text FROM chaos.{table} t ORDER BY id")).ToList();
    }

    private static async Task<List<string>> QuarantineAsync(CoreServices core)
    {
        await using var connection = new NpgsqlConnection(core.ConnectionString);
        return (await connection.QueryAsync<string>("SELECT concat_ws('|', stream, rule, reason, row::text) FROM daedalus.quarantine ORDER BY 1")).ToList();
    }

    private static async Task<List<string>> MetricsAsync(CoreServices core)
    {
        // Business metric rules only: pipeline metrics (rows read per run, durations) differ by construction.
        await using var connection = new NpgsqlConnection(core.ConnectionString);
        return (await connection.QueryAsync<string>(
            """
            SELECT concat_ws('|', s.name, s.labels::text, p.ts, p.sum, p.count) FROM daedalus.metric_points p JOIN daedalus.metric_series s ON s.id = p.series_id
            WHERE s.name NOT LIKE 'daedalus\_%' AND p.count <> 0 ORDER BY 1
            """)).ToList();
    }
}
