using System.Diagnostics;
using Daedalus.Queues;
using Daedalus.Sources.Sample;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Daedalus.Tests.Hosting;

/// <summary>
/// <c>daedalus serve</c> end to end on a real Azurite and PostgreSQL: scheduled pulls through the queue, one
/// puller per source across instances, and a SIGKILL in the middle of the work.
/// </summary>
public sealed class ServeTests : IAsyncLifetime
{
    private CoreServices _core = null!;
    private Dictionary<string, string?> _settings = null!;

    public async Task InitializeAsync()
    {
        var queueName = AzuriteServer.UniqueQueueName("serve");
        _core = await CoreServices.StartAsync("serve", new Dictionary<string, string?> { ["AzureWebJobsStorage"] = await AzuriteServer.ConnectionStringAsync(), ["Daedalus:Queue:Name"] = queueName, ["Daedalus:Queue:PullName"] = queueName + "-pulls" });
        _settings = await SelfHostInstance.SettingsAsync(_core.ConnectionString, _core.Directory, queueName);
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    /// <summary>Customers and one invoice each, every second; generation 0 only, so the total is known.</summary>
    private async Task<long> ApplySourceAsync(long customers, long generations = 0)
    {
        var source = SampleSourceDefinition.Create("sample", customers);
        source.Schedule = "* * * * * *";
        source.Settings["invoicesPerCustomer"] = "1";
        source.Settings["maxGenerations"] = generations.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await _core.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);
        return customers * 2;
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        return await connection.ExecuteScalarAsync<T>(sql) ?? throw new InvalidOperationException("null: " + sql);
    }

    private Task<long> RowsInLedgerAsync() => ScalarAsync<long>("SELECT coalesce(sum(rows), 0)::bigint FROM daedalus.batches");

    private async Task AssertEverythingLoadedOnceAsync(long total)
    {
        // Every row is in exactly one loaded batch: a duplicate batch or an overlapping re-pull would exceed the total.
        Assert.Equal(total, await RowsInLedgerAsync());
        var quarantined = await ScalarAsync<long>("SELECT count(*) FROM daedalus.quarantine");
        Assert.Equal(total, await ScalarAsync<long>("SELECT count(*) FROM sample.customers") + await ScalarAsync<long>("SELECT count(*) FROM sample.invoices") + quarantined);
    }

    [Fact]
    public async Task Serve_pulls_the_sample_source_on_a_one_second_schedule_and_every_row_arrives_through_the_queue()
    {
        var total = await ApplySourceAsync(2_000);
        await using (await SelfHostInstance.StartAsync(_settings))
        {
            await Eventually.TrueAsync(async () => await RowsInLedgerAsync() == total, TimeSpan.FromSeconds(90), $"{total} rows loaded");
            await Eventually.TrueAsync(async () => await ScalarAsync<long>("SELECT count(*) FROM daedalus.runs WHERE trigger = 'schedule' AND status = 'succeeded'") >= 2, TimeSpan.FromSeconds(30), "a second scheduled run");
        }

        await AssertEverythingLoadedOnceAsync(total);
        // The rows came by the queue: the scheduled runs enqueued them (the in-process sink is not used by serve).
        Assert.Equal(await ScalarAsync<long>("SELECT count(*) FROM daedalus.batches"), await ScalarAsync<long>("SELECT coalesce(sum(batches), 0)::bigint FROM daedalus.runs WHERE trigger = 'schedule'"));
        // One depth series per queue: batches, pulls and their poison queues.
        Assert.Equal(4L, await ScalarAsync<long>("SELECT count(*) FROM daedalus.metric_series WHERE name = 'daedalus_queue_depth'"));
        Assert.Equal(0, (await _core.Get<IBatchQueue>().GetDepthAsync(CancellationToken.None)).Batches);
    }

    [Fact]
    public async Task Two_serve_instances_on_one_database_never_pull_the_same_source_at_once()
    {
        // Many generations: every slot has changes to pull, so both instances keep trying to pull.
        await ApplySourceAsync(5_000, generations: 1_000);
        await using (await SelfHostInstance.StartAsync(_settings))
        await using (await SelfHostInstance.StartAsync(_settings))
        {
            await Eventually.TrueAsync(async () => await ScalarAsync<long>("SELECT count(*) FROM daedalus.runs WHERE finished_at IS NOT NULL") >= 6, TimeSpan.FromSeconds(90), "six finished scheduled runs");
        }

        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        var runs = (await connection.QueryAsync<(DateTime Started, DateTime? Finished)>(
            "SELECT started_at, pull_finished_at FROM daedalus.runs WHERE source = 'sample' ORDER BY started_at")).ToList();
        for (var i = 1; i < runs.Count; i++)
        {
            Assert.True(runs[i - 1].Finished is { } finished && finished <= runs[i].Started, $"run {i - 1} ({runs[i - 1].Started:O}..{runs[i - 1].Finished:O}) overlaps run {i} (from {runs[i].Started:O}): pulls, not loads, must not overlap");
        }

        var claimers = await connection.ExecuteScalarAsync<string>("SELECT claimed_by FROM daedalus.schedule_state WHERE source = 'sample'");
        Assert.False(string.IsNullOrEmpty(claimers));
    }

    [Fact]
    public async Task Killing_serve_mid_batch_and_starting_it_again_loses_nothing_and_duplicates_nothing()
    {
        var total = await ApplySourceAsync(30_000);
        using (var first = ServeProcess.Start(_settings))
        {
            await Eventually.TrueAsync(async () => await ScalarAsync<long>("SELECT count(*) FROM daedalus.batches") >= 3, TimeSpan.FromSeconds(90), "some batches loaded by the first serve\n" + first.Output);
            first.Kill();
        }

        Assert.True(await RowsInLedgerAsync() < total, "killed before the end");
        using (var second = ServeProcess.Start(_settings))
        {
            await Eventually.TrueAsync(async () => await RowsInLedgerAsync() >= total && (await _core.Get<IBatchQueue>().GetDepthAsync(CancellationToken.None)).Batches == 0, TimeSpan.FromSeconds(120), "every row loaded after the restart\n" + second.Output);
            second.Kill();
        }

        await AssertEverythingLoadedOnceAsync(total);
        Assert.Empty(await _core.Get<IBatchQueue>().ListPoisonAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task Serve_at_its_default_level_logs_each_pull_enqueue_and_load_with_the_run_the_batch_and_the_counts()
    {
        await ApplySourceAsync(2_000);
        using var serve = ServeProcess.Start(_settings);
        await Eventually.TrueAsync(async () => await ScalarAsync<long>("SELECT count(*) FROM daedalus.runs WHERE status = 'succeeded'") >= 1, TimeSpan.FromSeconds(90), "a succeeded run\n" + serve.Output);
        var runId = await ScalarAsync<Guid>("SELECT id FROM daedalus.runs WHERE status = 'succeeded' ORDER BY started_at LIMIT 1");
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        var batches = (await connection.QueryAsync<(string BatchId, string Stream, int Sequence, int Loaded, int Rows)>(
            "SELECT batch_id, stream, sequence, loaded, rows FROM daedalus.batches WHERE run_id = @runId", new { runId })).ToList();
        Assert.True(batches.Count >= 4, $"{batches.Count} batches");
        var lines = batches.Select(b => $"Run {runId}: batch {b.BatchId} of sample/{b.Stream} (sequence {b.Sequence}) loaded {b.Loaded} of {b.Rows} rows").ToList();
        await Eventually.TrueAsync(() => Task.FromResult(lines.All(l => serve.Output.Contains(l, StringComparison.Ordinal))), TimeSpan.FromSeconds(30), "a load line per batch\n" + serve.Output);
        var output = serve.Output;
        Assert.Contains($"Run {runId}: pull of sample queued (trigger schedule)", output, StringComparison.Ordinal);
        Assert.Contains($"Run {runId}: pulling sample, part 1", output, StringComparison.Ordinal);
        Assert.All(batches, b => Assert.Contains($"Run {runId}: batch {b.BatchId} of sample/{b.Stream} (sequence {b.Sequence}) enqueued", output, StringComparison.Ordinal));
        Assert.Contains($"Run {runId}: sample/customers pulled: succeeded, 2000 rows in 2 batches", output, StringComparison.Ordinal);
    }

    /// <summary>The real <c>daedalus serve</c> as a child process, configured by environment variables.</summary>
    private sealed class ServeProcess : IDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _output = new();

        private ServeProcess(Process process)
        {
            _process = process;
        }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static ServeProcess Start(IDictionary<string, string?> settings)
        {
            SharedAzuriteQueues.Require(settings);
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            var dll = Path.Combine(RepositoryRoot.Path, "cli", "Daedalus.Cli", "bin", configuration, "net10.0", "daedalus.dll");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { dll, "serve", "--urls", "http://127.0.0.1:0" })
            {
                start.ArgumentList.Add(argument);
            }

            foreach (var (key, value) in settings)
            {
                start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }

            var process = Process.Start(start) ?? throw new InvalidOperationException("could not start daedalus serve");
            var serve = new ServeProcess(process);
            process.OutputDataReceived += (_, e) => serve.Append(e.Data);
            process.ErrorDataReceived += (_, e) => serve.Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return serve;
        }

        /// <summary>SIGKILL: no shutdown code runs.</summary>
        public void Kill()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }

        public void Dispose()
        {
            Kill();
            _process.Dispose();
        }

        private void Append(string? line)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
