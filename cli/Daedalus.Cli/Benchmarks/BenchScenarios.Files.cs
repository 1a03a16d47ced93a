using System.Diagnostics;
using System.Globalization;
using System.Text;
using Daedalus.Configuration;
using Daedalus.Pipeline;
using Daedalus.Runs;
using Daedalus.Sources;
using Daedalus.Sources.Files;
using Daedalus.Sources.Sample;
using Daedalus.Storage;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Parquet;
using Parquet.Schema;

namespace Daedalus.Cli.Benchmarks;

/// <summary>
/// The files plugin end to end: the same sample customers as the other scenarios, written (untimed) to a CSV or a
/// Parquet file in a temp folder, then synced through the <c>files</c> plugin (parse, type, QA, load) and timed.
/// </summary>
public sealed partial class BenchScenarios
{
    private async Task<BenchResult> FilesAsync(long rows, FileFormat format, CancellationToken cancellationToken)
    {
        var name = format == FileFormat.Csv ? "bench_files_csv" : "bench_files_parquet";
        var folder = Path.Combine(Path.GetTempPath(), name + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var settings = Settings(rows);
            var file = Path.Combine(folder, format == FileFormat.Csv ? "customers.csv" : "customers.parquet");
            if (format == FileFormat.Csv)
            {
                await WriteCsvAsync(file, settings, rows, cancellationToken);
            }
            else
            {
                await WriteParquetAsync(file, settings, rows, cancellationToken);
            }

            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(-1));
            var source = new SourceDefinition
            {
                Name = name,
                Plugin = FilesSourcePlugin.PluginName,
                Settings = new(StringComparer.OrdinalIgnoreCase) { ["folder"] = folder },
            };
            source.Streams.Add(new StreamDefinition
            {
                Name = "customers",
                Mode = SyncMode.Incremental,
                PrimaryKey = ["id"],
                Target = new TargetTable { Schema = name, Table = "customers" },
                Settings = new(StringComparer.OrdinalIgnoreCase)
                {
                    ["pattern"] = Path.GetFileName(file),
                    ["columns"] = "id:integer, name:text, email:text, phone:text, country:text, status:text, signup_date:date, updated_at:timestamp",
                },
            });
            await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken))
            {
                await connection.ExecuteAsync($"DROP SCHEMA IF EXISTS {SqlIdentifier.Quote(name)} CASCADE; DELETE FROM daedalus.batches WHERE source = @name; DELETE FROM daedalus.cursors WHERE source = @name", new { name });
            }

            await _services.GetRequiredService<SourceCatalog>().UpsertAsync(source, "bench", cancellationToken);
            var watch = Stopwatch.StartNew();
            var summaries = await _services.GetRequiredService<SyncRunner>().RunAsync([name], _services.GetRequiredService<InProcessSink>(), "bench", null, cancellationToken);
            watch.Stop();
            var failed = summaries.FirstOrDefault(s => s.Status != RunStatus.Succeeded);
            if (failed is not null)
            {
                throw new InvalidOperationException($"bench files sync did not succeed: {failed.Error}");
            }

            return new BenchResult($"files plugin, {(format == FileFormat.Csv ? "CSV" : "Parquet")} file → sync (parse, type, load)", summaries.Sum(s => s.RowsRead), watch.Elapsed.TotalSeconds, PeakMemory.Read());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task WriteCsvAsync(string path, SampleSettings settings, long rows, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        await writer.WriteLineAsync("id,name,email,phone,country,status,signup_date,updated_at");
        for (long id = 1; id <= rows; id++)
        {
            var v = SampleData.Customer(settings, 0, id);
            await writer.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{v[0]},\"{v[1]}\",{v[2]},{v[3]},{v[4]},{v[5]},{(DateOnly)v[6]!:yyyy-MM-dd},{(DateTimeOffset)v[7]!:O}").AsMemory(), cancellationToken);
        }
    }

    private static async Task WriteParquetAsync(string path, SampleSettings settings, long rows, CancellationToken cancellationToken)
    {
        var fields = new DataField[]
        {
            new DataField<long>("id"), new DataField<string>("name"), new DataField<string>("email"), new DataField<string>("phone"),
            new DataField<string>("country"), new DataField<string>("status"), new DataField<DateOnly>("signup_date"),
            new DateTimeDataField("updated_at", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros),
        };
        await using var file = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), file, cancellationToken: cancellationToken);
        const int groupRows = 100_000;
        for (long start = 1; start <= rows; start += groupRows)
        {
            var count = (int)Math.Min(groupRows, rows - start + 1);
            var values = Enumerable.Range(0, count).Select(i => SampleData.Customer(settings, 0, start + i)).ToArray();
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<long>(fields[0], values.Select(v => (long)v[0]!).ToArray(), null, null, cancellationToken);
            for (var c = 1; c <= 5; c++)
            {
                await group.WriteAsync(fields[c], values.Select(v => (string?)v[c]).ToArray());
            }

            await group.WriteAsync<DateOnly>(fields[6], values.Select(v => (DateOnly)v[6]!).ToArray(), null, null, cancellationToken);
            await group.WriteAsync<DateTime>(fields[7], values.Select(v => ((DateTimeOffset)v[7]!).UtcDateTime).ToArray(), null, null, cancellationToken);
        }
    }
}
