using System.Diagnostics;
using Daedalus.Pipeline;
using Daedalus.Queues;
using Daedalus.Runs;
using Daedalus.Sources.Sample;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Daedalus.Tests.Hosting;

/// <summary>
/// Issue 10, item 9: PostgreSQL restarted four times, a few seconds down each time, while the worker loads a queue
/// of healthy batches. An outage is not the batches' fault: nothing may reach the poison queue, and every row loads.
/// The test owns a private cluster (the shared one cannot be stopped under other tests).
/// </summary>
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private string _directory = null!;
    private EmbeddedPostgres _postgres = null!;
    private CoreServices _core = null!;
    private string _queueName = null!;
    private int _port;
    private string _connectionString = null!;

    public async Task InitializeAsync()
    {
        _directory = Path.Combine(Path.GetTempPath(), "daedalus-tests", "outage-" + Guid.NewGuid().ToString("N")[..8]);
        _postgres = new EmbeddedPostgres(_directory);
        await _postgres.StartAsync(CancellationToken.None);

        // Move the cluster to a port outside the ephemeral range: while it is down, an outgoing connection could
        // otherwise take its port as a local port and the restart would fail with "address already in use".
        await PgCtlAsync("-m", "fast", "stop");
        _port = Enumerable.Range(0, 50).Select(_ => Random.Shared.Next(20_000, 30_000)).First(IsFree);
        await StartAsync();
        _connectionString = $"Host=127.0.0.1;Port={_port};Username=postgres;Database=daedalus";
        _queueName = AzuriteServer.UniqueQueueName("outage");
        _core = await CoreServices.StartAsync("outage", new Dictionary<string, string?>
        {
            ["Daedalus:Database:ConnectionString"] = _connectionString,
            ["AzureWebJobsStorage"] = await AzuriteServer.ConnectionStringAsync(),
            ["Daedalus:Queue:Name"] = _queueName,
            ["Daedalus:Queue:PullName"] = _queueName + "-pulls",
            ["Daedalus:Sync:MaxBatchRows"] = "100",
        });
    }

    public async Task DisposeAsync()
    {
        await _core.DisposeAsync();
        await _postgres.StopAsync(CancellationToken.None);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [Fact]
    public async Task Four_short_database_outages_poison_no_batch_and_every_row_loads()
    {
        var source = SampleSourceDefinition.Create("steady", 6_000);
        source.Streams.RemoveAll(s => s.Name != "customers");
        source.Settings["maxGenerations"] = "0";
        await _core.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);
        var runId = (await _core.Get<SyncRunner>().RunAsync(["steady"], _core.Get<QueueSink>(), "test", null, CancellationToken.None)).Single().RunId;

        var settings = await SelfHostInstance.SettingsAsync(_connectionString, _core.Directory, _queueName);
        settings["Daedalus:Queue:MaxInfrastructureRetryDelay"] = "00:00:02";
        settings["Daedalus:Queue:Concurrency"] = "1";
        settings["Daedalus:Queue:BatchSize"] = "1";
        await using (await SelfHostInstance.StartAsync(settings))
        {
            long loadedBefore;
            await using (var probe = new NpgsqlConnection(_connectionString))
            {
                loadedBefore = await probe.ExecuteScalarAsync<long>("SELECT count(*) FROM daedalus.batches");
            }

            for (var outage = 0; outage < 4; outage++)
            {
                await PgCtlAsync("-m", "immediate", "stop");
                await Task.Delay(TimeSpan.FromSeconds(3));
                await StartAsync();
                await Task.Delay(TimeSpan.FromSeconds(1));
            }

            // The outages hit while batches were still waiting to load (60 batches of 100 rows, one at a time).
            Assert.True(loadedBefore < 60, $"{loadedBefore} of 60 batches were already loaded before the first outage");

            var deadline = DateTime.UtcNow.AddSeconds(120);
            string state = "";
            while (DateTime.UtcNow < deadline)
            {
                try
                {
                    await using var probe = new NpgsqlConnection(_connectionString + ";Pooling=false");
                    state = await probe.ExecuteScalarAsync<string>(
                        "SELECT concat_ws(' ', (SELECT status FROM daedalus.runs WHERE id = @runId), (SELECT string_agg(state || '=' || n, ',') FROM (SELECT state, count(*) n FROM daedalus.enqueued_batches GROUP BY state) x), 'ledger=' || (SELECT count(*) FROM daedalus.batches))",
                        new { runId }) ?? "";
                    if (state.StartsWith(RunStatus.Succeeded.Name() + " ", StringComparison.Ordinal))
                    {
                        break;
                    }
                }
                catch (NpgsqlException)
                {
                    // The database is still coming back.
                }

                await Task.Delay(500);
            }

            Assert.True(state.StartsWith(RunStatus.Succeeded.Name() + " ", StringComparison.Ordinal), $"the run did not succeed within 120 s after the outages: {state}; poison: {string.Join(" | ", (await _core.Get<IBatchQueue>().ListPoisonAsync(3, CancellationToken.None)).Select(p => $"{p.DequeueCount}: {p.Error}"))}");
        }

        Assert.Equal(0, (await _core.Get<IBatchQueue>().GetDepthAsync(CancellationToken.None)).Poison);
        await using var connection = new NpgsqlConnection(_connectionString + ";Pooling=false");
        Assert.Equal(6_000L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM steady.customers") + await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM daedalus.quarantine"));
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM daedalus.enqueued_batches WHERE state <> 'loaded'"));
    }

    private Task StartAsync() =>
        PgCtlAsync("-o", $"-p {_port} -c listen_addresses=127.0.0.1 -k {_postgres.DataDirectory}", "-l", _postgres.LogFile, "-t", "60", "start");

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    /// <summary>pg_ctl on the private cluster, as the postgres user when the tests run as root (PostgreSQL refuses root).</summary>
    private async Task PgCtlAsync(params string[] args)
    {
        var pgCtl = Path.Combine(EmbeddedPostgres.FindBinDirectory()!, "pg_ctl");
        var asRoot = Environment.UserName == "root";
        var start = new ProcessStartInfo(asRoot ? "runuser" : pgCtl) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (asRoot)
        {
            foreach (var arg in new[] { "-u", "postgres", "--", pgCtl })
            {
                start.ArgumentList.Add(arg);
            }
        }

        foreach (var arg in new[] { "-D", _postgres.DataDirectory, "-w" }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var log = process.ExitCode == 0 || !File.Exists(_postgres.LogFile) ? "" : string.Join('\n', (await File.ReadAllLinesAsync(_postgres.LogFile)).TakeLast(8));
        Assert.True(process.ExitCode == 0, $"pg_ctl {string.Join(' ', args)}: {await output}{await error}\n{log}");
    }
}
