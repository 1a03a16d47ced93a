using System.Diagnostics;
using Daedalus.Batching;
using Daedalus.Ingest;
using Daedalus.Pipeline;
using Daedalus.Runs;
using Daedalus.Sources;
using Daedalus.Sources.Sample;
using Daedalus.Storage;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace Daedalus.Cli.Benchmarks;

/// <summary>
/// The scenarios, each over the same sample customers (8 columns; email encrypted, phone hashed) into a fresh
/// table of the same layout: raw COPY (baseline A), one Dapper INSERT per row (baseline B), the load stage
/// alone, and end-to-end sync.
/// </summary>
public sealed partial class BenchScenarios
{
    private readonly IServiceProvider _services;
    private readonly NpgsqlDataSource _dataSource;

    public BenchScenarios(IServiceProvider services)
    {
        _services = services;
        _dataSource = services.GetRequiredService<NpgsqlDataSource>();
    }

    public static readonly string[] Names = ["copy", "insert", "pull", "prepare", "load", "sync", "update-all", "update-some", "queue", "queue-workers", "drain", "files-csv", "files-parquet"];

    /// <summary>Runs one scenario; <paramref name="workers"/> and <paramref name="queueName"/> only matter to the queue scale-out ones.</summary>
    public Task<BenchResult> RunAsync(string scenario, long rows, int workers, string? queueName, CancellationToken cancellationToken) => scenario switch
    {
        "update-all" => UpdateAsync(rows, changeRate: 1.0, cancellationToken),
        "update-some" => UpdateAsync(rows, changeRate: 0.01, cancellationToken),
        "queue-workers" => QueueWorkersAsync(rows, workers, cancellationToken),
        "drain" => DrainAsync(rows, queueName ?? throw new ArgumentException("drain needs --queue", nameof(queueName)), cancellationToken),
        "copy" => CopyAsync(rows, cancellationToken),
        "insert" => InsertAsync(rows, cancellationToken),
        "pull" => PullAsync(rows, prepare: false, cancellationToken),
        "prepare" => PullAsync(rows, prepare: true, cancellationToken),
        "load" => LoadAsync(rows, cancellationToken),
        "sync" => SyncAsync(rows, cancellationToken),
        "queue" => QueueAsync(rows, cancellationToken),
        "files-csv" => FilesAsync(rows, Sources.Files.FileFormat.Csv, cancellationToken),
        "files-parquet" => FilesAsync(rows, Sources.Files.FileFormat.Parquet, cancellationToken),
        _ => throw new ArgumentException($"unknown scenario '{scenario}' (known: {string.Join(", ", Names)})", nameof(scenario)),
    };

    /// <summary>CPU of this process and of the PostgreSQL cluster (found from its data directory).</summary>
    private async Task<CpuMeter> CpuAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        string? directory = null;
        try
        {
            directory = await connection.ExecuteScalarAsync<string>(new CommandDefinition("SHOW data_directory", cancellationToken: cancellationToken));
        }
        catch (PostgresException)
        {
            // Not a superuser: the database's CPU is not reported.
        }

        return new CpuMeter(directory);
    }

    private static BenchResult WithCpu(BenchResult result, CpuReading before, CpuReading after) =>
        result with
        {
            ClientCpuSeconds = after.Client - before.Client,
            PostgresCpuSeconds = after.Postgres - before.Postgres,
            Gc = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"gen2 {after.Gen2 - before.Gen2}, pause {after.Pause - before.Pause:N1} s, {(after.Allocated - before.Allocated) / (double)Math.Max(1, result.Rows):N0} B/row allocated, JIT {after.Jit - before.Jit:N1} s ({after.JitMethods - before.JitMethods:N0} methods)"),
        };

    private TargetCheck Check => new(_dataSource, _services.GetRequiredService<Security.ColumnProtector>());

    /// <summary>Forgets everything an earlier bench run left for this source: ledger, cursors, quarantine.</summary>
    private async Task ForgetSourceAsync(string source, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM daedalus.batches WHERE source = @source; DELETE FROM daedalus.cursors WHERE source = @source; DELETE FROM daedalus.quarantine WHERE source = @source; DELETE FROM daedalus.enqueued_batches WHERE source = @source",
            new { source },
            cancellationToken: cancellationToken));
    }

    private static SampleSettings Settings(long rows) => SampleSettings.From(SampleSourceDefinition.Create("bench", rows));

    private async Task ResetAsync(string schema, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync($"DROP SCHEMA IF EXISTS {SqlIdentifier.Quote(schema)} CASCADE; CREATE SCHEMA {SqlIdentifier.Quote(schema)};");
        await connection.ExecuteAsync(
            $"""
            CREATE TABLE {SqlIdentifier.Quote(schema)}.customers (id bigint PRIMARY KEY, name text, email text, phone text, country text, status text,
                signup_date date, updated_at timestamptz, _daedalus_batch_id text NOT NULL, _daedalus_loaded_at timestamptz NOT NULL DEFAULT now(), _daedalus_deleted_at timestamptz)
            """);
        await connection.ExecuteAsync(new CommandDefinition("CHECKPOINT", commandType: System.Data.CommandType.Text, cancellationToken: cancellationToken));
    }

    private async Task<BenchResult> CopyAsync(long rows, CancellationToken cancellationToken)
    {
        await ResetAsync("bench_copy", cancellationToken);
        var settings = Settings(rows);
        var cpu = await CpuAsync(cancellationToken);
        var cpuBefore = cpu.Read();
        using var stages = new StageMeter();
        var watch = Stopwatch.StartNew();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY bench_copy.customers (id, name, email, phone, country, status, signup_date, updated_at, _daedalus_batch_id) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (long id = 1; id <= rows; id++)
            {
                var v = SampleData.Customer(settings, 0, id);
                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync((long)v[0]!, NpgsqlDbType.Bigint, cancellationToken);
                for (var i = 1; i <= 5; i++)
                {
                    await importer.WriteAsync((string)v[i]!, NpgsqlDbType.Text, cancellationToken);
                }

                await importer.WriteAsync((DateOnly)v[6]!, NpgsqlDbType.Date, cancellationToken);
                await importer.WriteAsync((DateTimeOffset)v[7]!, NpgsqlDbType.TimestampTz, cancellationToken);
                await importer.WriteAsync("copy", NpgsqlDbType.Text, cancellationToken);
            }

            await importer.CompleteAsync(cancellationToken);
        }

        var seconds = watch.Elapsed.TotalSeconds;
        var cpuAfter = cpu.Read();
        var peak = PeakMemory.Read();
        var count = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM bench_copy.customers");
        if (count != rows)
        {
            throw new InvalidOperationException($"bench self-check FAILED: raw COPY left {count:N0} rows, not {rows:N0}");
        }

        return WithCpu(new BenchResult("A: raw COPY", rows, seconds, peak, $"{count:N0} rows"), cpuBefore, cpuAfter) with { Stages = stages.Seconds };
    }

    private async Task<BenchResult> InsertAsync(long rows, CancellationToken cancellationToken)
    {
        await ResetAsync("bench_insert", cancellationToken);
        var settings = Settings(rows);
        var watch = Stopwatch.StartNew();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        for (long id = 1; id <= rows; id++)
        {
            var v = SampleData.Customer(settings, 0, id);
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO bench_insert.customers (id, name, email, phone, country, status, signup_date, updated_at, _daedalus_batch_id) VALUES (@id, @name, @email, @phone, @country, @status, @signup, @updated, 'insert')",
                new { id = v[0], name = v[1], email = v[2], phone = v[3], country = v[4], status = v[5], signup = v[6], updated = ((DateTimeOffset)v[7]!).UtcDateTime },
                cancellationToken: cancellationToken));
        }

        return new BenchResult("B: Dapper INSERT per row", rows, watch.Elapsed.TotalSeconds, PeakMemory.Read());
    }

    /// <summary>Only the load (COPY to staging + merge + ledger in one transaction) is timed; batches are prepared untimed.</summary>
    private async Task<BenchResult> LoadAsync(long rows, CancellationToken cancellationToken)
    {
        await ResetAsync("bench_load", cancellationToken);
        var source = SampleSourceDefinition.Create("bench_load", rows, "bench_load");
        source.Streams.RemoveAll(s => s.Name != "customers");
        source.Metrics.Clear();
        var plugin = new SampleSourcePlugin();
        var context = new SourceContext(source, null!, null!, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var schema = await plugin.DescribeAsync(context, source.Streams[0], cancellationToken);
        var preparer = _services.GetRequiredService<BatchPreparer>();
        var loader = _services.GetRequiredService<BatchLoader>();
        var runId = Guid.CreateVersion7();
        await ForgetSourceAsync("bench_load", cancellationToken);

        using var stages = new StageMeter();
        var loadTime = TimeSpan.Zero;
        var maxRows = _services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SyncOptions>>().Value.MaxBatchRows;
        var pages = plugin.ReadAsync(context, new StreamReadRequest(source.Streams[0], schema, null), cancellationToken);
        await foreach (var batch in Batcher.BatchAsync(pages, source.Name, schema, runId, null, "generation:0", maxRows, TimeProvider.System, cancellationToken))
        {
            var prepared = await preparer.PrepareAsync(batch, source, advanceCursor: false, cancellationToken);
            var started = Stopwatch.GetTimestamp();
            await loader.LoadAsync(prepared, cancellationToken);
            loadTime += Stopwatch.GetElapsedTime(started);
        }

        var peak = PeakMemory.Read();
        return new BenchResult("load stage (new keys: COPY; else staging + merge; ledger; one tx)", rows, loadTime.TotalSeconds, peak, await Check.VerifyAsync(source, "bench_load", 0, cancellationToken)) { Stages = stages.Seconds };
    }

    /// <summary>No database: the sample source's pages batched (pull), optionally with QA + protect (prepare).</summary>
    private async Task<BenchResult> PullAsync(long rows, bool prepare, CancellationToken cancellationToken)
    {
        var source = SampleSourceDefinition.Create("bench_pull", rows, "bench_pull");
        source.Streams.RemoveAll(s => s.Name != "customers");
        var plugin = new SampleSourcePlugin();
        var context = new SourceContext(source, null!, null!, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var schema = await plugin.DescribeAsync(context, source.Streams[0], cancellationToken);
        var preparer = _services.GetRequiredService<BatchPreparer>();
        var watch = Stopwatch.StartNew();
        long count = 0;
        var pages = plugin.ReadAsync(context, new StreamReadRequest(source.Streams[0], schema, null), cancellationToken);
        await foreach (var batch in Batcher.BatchAsync(pages, source.Name, schema, Guid.CreateVersion7(), null, "generation:0", 10_000, TimeProvider.System, cancellationToken))
        {
            count += prepare ? (await preparer.PrepareAsync(batch, source, false, cancellationToken)).Rows.Count : batch.Records.Count;
        }

        return new BenchResult(prepare ? "pull + QA + protect (no database)" : "pull only (no database)", count, watch.Elapsed.TotalSeconds, PeakMemory.Read());
    }

    private async Task<BenchResult> SyncAsync(long rows, CancellationToken cancellationToken)
    {
        var source = SampleSourceDefinition.Create("bench_sync", rows, "bench_sync");
        source.Streams.RemoveAll(s => s.Name != "customers");
        source.Metrics.Clear();
        await ResetAsync("bench_sync", cancellationToken);
        await ForgetSourceAsync("bench_sync", cancellationToken);

        await _services.GetRequiredService<SourceCatalog>().UpsertAsync(source, "bench", cancellationToken);
        var cpu = await CpuAsync(cancellationToken);
        var cpuBefore = cpu.Read();
        using var stages = new StageMeter();
        var watch = Stopwatch.StartNew();
        var summaries = await _services.GetRequiredService<SyncRunner>().RunAsync([source.Name], _services.GetRequiredService<InProcessSink>(), "bench", null, cancellationToken);
        watch.Stop();
        var cpuAfter = cpu.Read();
        var failed = summaries.FirstOrDefault(s => s.Status != RunStatus.Succeeded);
        if (failed is not null)
        {
            throw new InvalidOperationException($"bench sync did not succeed: {failed.Error}");
        }

        var peak = PeakMemory.Read();
        return WithCpu(new BenchResult("end-to-end sync (pull, QA, protect, load)", summaries.Sum(s => s.RowsRead), watch.Elapsed.TotalSeconds, peak, await Check.VerifyAsync(source, "bench_sync", 0, cancellationToken)), cpuBefore, cpuAfter) with { Stages = stages.Seconds };
    }
}
