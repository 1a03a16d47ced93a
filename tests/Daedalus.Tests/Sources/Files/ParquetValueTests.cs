using Daedalus.Configuration;
using Daedalus.Sources;
using Daedalus.Sources.Files;
using Parquet;
using Parquet.Schema;

namespace Daedalus.Tests.Sources.Files;

/// <summary>Parquet values of every type the reader describes land as the file holds them, whatever the host.</summary>
[Collection(ProcessTimeZoneCollection.Name)]
public sealed class ParquetValueTests
{
    /// <summary>
    /// A TIMESTAMP with isAdjustedToUTC=false (pandas naive datetimes, Spark TIMESTAMP_NTZ) is a wall-clock value.
    /// Parquet.Net hands it over as DateTimeKind.Local; converting it to UTC shifted it by the host's offset.
    /// </summary>
    [Fact]
    public async Task A_timestamp_not_adjusted_to_UTC_is_taken_as_UTC_whatever_the_host_time_zone()
    {
        var field = new DateTimeDataField("at", DateTimeFormat.Timestamp, isAdjustedToUTC: false, unit: DateTimeTimeUnit.Micros);
        var schema = new ParquetSchema(new DataField<long>("id"), field);
        using var file = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(schema, file))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<long>(schema.DataFields[0], new long[] { 1 });
            await group.WriteAsync<DateTime>(schema.DataFields[1], new[] { new DateTime(2026, 3, 2, 10, 0, 0, DateTimeKind.Unspecified) });
        }

        var bytes = file.ToArray();
        var previous = Environment.GetEnvironmentVariable("TZ");
        Environment.SetEnvironmentVariable("TZ", "America/New_York");
        TimeZoneInfo.ClearCachedData();
        List<SourceRecord> records;
        try
        {
            records = await ReadAsync(bytes);
        }
        finally
        {
            Environment.SetEnvironmentVariable("TZ", previous);
            TimeZoneInfo.ClearCachedData();
        }

        var record = Assert.Single(records);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), record.Values[1]);
    }

    /// <summary>A UUID column (Spark, DuckDB and pandas write them) was described as text but failed the file's read.</summary>
    [Fact]
    public async Task A_uuid_column_lands_as_text_instead_of_failing_the_file()
    {
        var id = Guid.Parse("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
        var schema = new ParquetSchema(new DataField<long>("id"), new DataField<Guid>("uid"));
        using var file = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(schema, file))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<long>(schema.DataFields[0], new long[] { 1 });
            await group.WriteAsync<Guid>(schema.DataFields[1], new[] { id });
        }

        var bytes = file.ToArray();
        var columns = await ParquetFileReader.DescribeAsync(new MemoryStream(bytes), "t.parquet", CancellationToken.None);
        Assert.Equal(ColumnType.Text, columns[1].Type);

        var record = Assert.Single(await ReadAsync(bytes));
        Assert.Null(record.Rejected);
        Assert.Equal("3f2504e0-4f89-11d3-9a0c-0305e82c3301", record.Values[1]);
    }

    private static async Task<List<SourceRecord>> ReadAsync(byte[] bytes)
    {
        var columns = await ParquetFileReader.DescribeAsync(new MemoryStream(bytes), "t.parquet", CancellationToken.None);
        var plan = new FileReadPlan(new StoredFile("t.parquet", DateTimeOffset.UnixEpoch, bytes.Length), columns, FilesStreamSettings.From(new StreamDefinition { Name = "t", Settings = new(StringComparer.OrdinalIgnoreCase) { ["pattern"] = "*.parquet" } }));
        var records = new List<SourceRecord>();
        await foreach (var record in ParquetFileReader.ReadAsync(new MemoryStream(bytes), plan, 0, CancellationToken.None))
        {
            records.Add(record);
        }

        return records;
    }
}
