using Daedalus.Configuration;
using Daedalus.Sources;
using Daedalus.Sources.Files;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Daedalus.Tests.Sources.Files;

/// <summary>
/// Memory stays flat in file size: a CSV generated on the fly is written to a temp folder and read through the
/// plugin's own pages, while the live managed heap is measured (full collections) every 50 pages. An implementation
/// that held the file (or its rows) would need more than the file's size. The suite reads 200 MB and 1 GB and
/// requires the larger file to need no more than a few MB more heap; the class runs alone (no parallel tests in this
/// process), so the heap it measures is its own. The 2 GB run is in the LargeFiles category, which scripts/test.sh
/// leaves out (about 3 minutes of CPU on 2 cores).
/// </summary>
[Collection(FilesMemoryCollection.Name)]
public sealed class FilesMemoryTests
{
    private readonly ITestOutputHelper _output;

    public FilesMemoryTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public async Task A_1_GB_csv_needs_no_more_live_heap_than_a_200_MB_one()
    {
        var small = await ReadAsync(200L * 1024 * 1024, 100L * 1024 * 1024);
        var large = await ReadAsync(1024L * 1024 * 1024, 100L * 1024 * 1024);

        // Five times the file, same heap: anything that grew with the file would add hundreds of MB here.
        Assert.True(large - small < 16L * 1024 * 1024, $"live heap peak grew from {small / 1024 / 1024} MB (200 MB file) to {large / 1024 / 1024} MB (1 GB file)");
    }

    [Fact]
    [Trait("Category", "LargeFiles")]
    public Task A_2_GB_csv_streams_with_the_live_heap_under_300_MB() => ReadAsync(2L * 1024 * 1024 * 1024, 300L * 1024 * 1024);

    /// <returns>The largest growth of the live heap over the baseline seen while reading, in bytes.</returns>
    private async Task<long> ReadAsync(long bytes, long bound)
    {
        var folder = Path.Combine(Path.GetTempPath(), "daedalus-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var generator = new GeneratedCsvStream(bytes);
            await using (var file = File.Create(Path.Combine(folder, "big.csv")))
            {
                await generator.CopyToAsync(file, 1024 * 1024);
            }

            File.SetLastWriteTimeUtc(Path.Combine(folder, "big.csv"), DateTime.UtcNow.AddMinutes(-1));
            var source = new SourceDefinition
            {
                Name = "big",
                Plugin = FilesSourcePlugin.PluginName,
                Settings = new(StringComparer.OrdinalIgnoreCase) { ["folder"] = folder },
                Streams =
                {
                    new StreamDefinition
                    {
                        Name = "rows",
                        Settings = new(StringComparer.OrdinalIgnoreCase) { ["pattern"] = "*.csv" },
                    },
                },
            };
            var plugin = new FilesSourcePlugin();
            Assert.Empty(plugin.Validate(source));
            var context = new SourceContext(source, null!, null!, TimeProvider.System, NullLogger.Instance);
            var schema = await plugin.DescribeAsync(context, source.Streams[0], CancellationToken.None);
            Assert.Equal([ColumnType.Integer, ColumnType.Decimal, ColumnType.Timestamp, ColumnType.Text], schema.Columns.Take(4).Select(c => c.Type));

            var baseline = GC.GetTotalMemory(forceFullCollection: true);
            long peak = 0, records = 0, rejected = 0;
            var pages = 0;
            decimal last = 0;
            await foreach (var page in plugin.ReadAsync(context, new StreamReadRequest(source.Streams[0], schema, null), CancellationToken.None))
            {
                records += page.Records.Count;
                rejected += page.Records.Count(r => r.Rejected is not null);
                if (page.Records.Count > 0)
                {
                    last = (decimal)page.Records[^1].Values[1]!;
                }

                if (++pages % 50 == 0)
                {
                    peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
                }
            }

            _output.WriteLine($"{bytes / 1024 / 1024} MB, {records:N0} records, {pages} pages: live heap grew by at most {peak / 1024 / 1024} MB");
            Assert.Equal(generator.Rows, records);
            Assert.Equal(0, rejected);
            Assert.Equal(generator.Rows / 100 + (generator.Rows % 100 / 100m), last);
            Assert.True(pages > 50, $"only {pages} pages");
            Assert.True(peak < bound, $"live heap grew by {peak / 1024 / 1024} MB reading {bytes / 1024 / 1024} MB (bound {bound / 1024 / 1024} MB)");
            return peak;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
