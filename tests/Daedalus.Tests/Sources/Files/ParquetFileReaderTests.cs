using System.Buffers;
using Daedalus.Sources;
using Daedalus.Sources.Files;
using Parquet;
using Parquet.Schema;

namespace Daedalus.Tests.Sources.Files;

/// <summary>
/// Reading Parquet must not depend on what other code left in the process's shared array pool. Parquet.Net 6.1's
/// nullable read of a required column takes its definition levels from a pooled, uncleared buffer; in the full suite
/// that made the ids of rows NULL whenever another column of the row was null. The pool is dirtied on purpose here.
/// </summary>
public sealed class ParquetFileReaderTests
{
    [Fact]
    public async Task A_required_column_reads_its_values_whatever_the_shared_array_pool_holds()
    {
        var schema = new ParquetSchema(new DataField<long>("id"), new DataField<int>("qty"), new DataField<decimal?>("price"), new DataField<DateTime?>("at"));
        using var file = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(schema, file))
        {
            using var group = writer.CreateRowGroup();
            var ids = Enumerable.Range(1, 64).Select(i => (long)i).ToArray();
            await group.WriteAsync<long>(schema.DataFields[0], ids);
            await group.WriteAsync<int>(schema.DataFields[1], ids.Select(i => (int)-i).ToArray());
            await group.WriteAsync<decimal>(schema.DataFields[2], ids.Select(i => i % 3 == 0 ? (decimal?)null : i + 0.25m).ToArray());
            await group.WriteAsync<DateTime>(schema.DataFields[3], ids.Select(i => i % 4 == 0 ? (DateTime?)null : new DateTime(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc).AddSeconds(i)).ToArray());
        }

        // What another user of ArrayPool<int>.Shared may leave behind: negative numbers, on every thread.
        Parallel.For(0, 64, _ =>
        {
            for (var size = 16; size <= 4096; size *= 2)
            {
                var rented = ArrayPool<int>.Shared.Rent(size);
                Array.Fill(rented, -1);
                ArrayPool<int>.Shared.Return(rented);
            }
        });
        for (var size = 16; size <= 4096; size *= 2)
        {
            var rented = ArrayPool<int>.Shared.Rent(size);
            Array.Fill(rented, -1);
            ArrayPool<int>.Shared.Return(rented);
        }

        var bytes = file.ToArray();
        var columns = await ParquetFileReader.DescribeAsync(new MemoryStream(bytes), "dirty.parquet", CancellationToken.None);
        var plan = new FileReadPlan(new StoredFile("dirty.parquet", DateTimeOffset.UnixEpoch, bytes.Length), columns, FilesStreamSettings.From(new Daedalus.Configuration.StreamDefinition { Name = "dirty", Settings = new(StringComparer.OrdinalIgnoreCase) { ["pattern"] = "*.parquet" } }));
        var records = new List<SourceRecord>();
        await foreach (var record in ParquetFileReader.ReadAsync(new MemoryStream(bytes), plan, 0, CancellationToken.None))
        {
            records.Add(record);
        }

        Assert.Equal(64, records.Count);
        Assert.All(records, r => Assert.Null(r.Rejected));
        Assert.Equal(Enumerable.Range(1, 64).Select(i => (object?)(long)i), records.Select(r => r.Values[0]));
        Assert.Equal(Enumerable.Range(1, 64).Select(i => (object?)(long)-i), records.Select(r => r.Values[1]));
        Assert.Equal(Enumerable.Range(1, 64).Select(i => i % 3 == 0 ? null : (object?)(i + 0.25m)), records.Select(r => r.Values[2]));
        Assert.Equal(Enumerable.Range(1, 64).Count(i => i % 4 == 0), records.Count(r => r.Values[3] is null));
    }
}
