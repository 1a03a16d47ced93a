using System.Text;
using Daedalus.Configuration;
using Daedalus.Sources;
using Daedalus.Sources.Files;

namespace Daedalus.Tests.Sources.Files;

/// <summary>
/// Bytes that are not valid in a file's encoding, and JSON text that is not text (an unpaired surrogate escape),
/// refuse their record with a reason naming the file and the line; they never land as U+FFFD and never fail the file.
/// </summary>
public sealed class FileTextDecodingTests
{
    private static readonly List<ColumnSchema> Columns = [new("id", ColumnType.Integer), new("name", ColumnType.Text)];

    [Fact]
    public async Task A_csv_cell_that_is_not_valid_utf8_is_rejected_not_replaced_with_U_FFFD()
    {
        // "café" written in Latin-1 (0xE9), read with the default encoding (UTF-8).
        var bytes = Latin1Cafe("id,name\n1,caf", "\n2,plain\n");

        var records = await ReadCsvAsync(bytes, null);

        Assert.Equal(2, records.Count);
        Assert.Equal("file latin1.csv line 2: column name is not valid utf-8 (the stream's encoding setting; set it to the file's encoding, e.g. latin1 or windows-1252)", records[0].Rejected);
        Assert.Null(records[0].Values[1]);
        Assert.Null(records[1].Rejected);
        Assert.Equal("plain", records[1].Values[1]);
    }

    [Fact]
    public async Task A_csv_read_as_latin1_keeps_the_same_bytes_as_text()
    {
        var records = await ReadCsvAsync(Latin1Cafe("id,name\n1,caf", "\n"), "latin1");

        var record = Assert.Single(records);
        Assert.Null(record.Rejected);
        Assert.Equal("café", record.Values[1]);
    }

    [Fact]
    public async Task A_csv_cell_holding_a_real_replacement_character_or_an_emoji_lands_as_written()
    {
        var records = await ReadCsvAsync(Encoding.UTF8.GetBytes("id,name\n1,\uFFFD \U0001F600 \U0010FFFF\n"), null);

        var record = Assert.Single(records);
        Assert.Null(record.Rejected);
        Assert.Equal("\uFFFD \U0001F600 \U0010FFFF", record.Values[1]);
    }

    [Fact]
    public async Task A_jsonl_line_that_is_not_valid_utf8_is_rejected_not_replaced_with_U_FFFD()
    {
        var bytes = Latin1Cafe("{\"id\":1,\"name\":\"caf", "\"}\n{\"id\":2,\"name\":\"plain\"}\n");

        var records = await ReadJsonLinesAsync(bytes);

        Assert.Equal(2, records.Count);
        Assert.StartsWith("file f.jsonl line 1: is not valid UTF-8", records[0].Rejected, StringComparison.Ordinal);
        Assert.Null(records[1].Rejected);
        Assert.Equal("plain", records[1].Values[1]);
    }

    [Fact]
    public async Task A_jsonl_text_with_an_unpaired_surrogate_rejects_its_line_not_the_file()
    {
        var records = await ReadJsonLinesAsync(Encoding.UTF8.GetBytes("{\"id\":1,\"name\":\"ok\"}\n{\"id\":2,\"name\":\"cut \\ud83d\"}\n{\"id\":3,\"name\":\"ok \\ud83d\\ude00\"}\n"));

        Assert.Equal(3, records.Count);
        Assert.Null(records[0].Rejected);
        Assert.Equal("file f.jsonl line 2: column name holds an unpaired surrogate escape (\\uD800-\\uDFFF alone), which is not text", records[1].Rejected);
        Assert.Null(records[2].Rejected);
        Assert.Equal("ok \U0001F600", records[2].Values[1]);
    }

    [Fact]
    public async Task A_jsonl_key_with_an_unpaired_surrogate_rejects_its_line_not_the_file()
    {
        var records = await ReadJsonLinesAsync(Encoding.UTF8.GetBytes("{\"id\":1,\"\\udc00\":\"x\"}\n{\"id\":2,\"name\":\"ok\"}\n"));

        Assert.Equal(2, records.Count);
        Assert.NotNull(records[0].Rejected);
        Assert.Null(records[1].Rejected);
    }

    [Fact]
    public async Task A_jsonl_sample_with_an_unpaired_surrogate_still_infers_the_columns()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"id\":1,\"name\":\"cut \\ud83d\"}\n{\"id\":2,\"name\":\"ok\"}\n");

        var (columns, sampled) = await JsonLinesFileReader.SampleAsync(new MemoryStream(bytes), 10, CancellationToken.None);

        Assert.Equal(2, sampled);
        Assert.Equal(["id", "name"], columns.Select(c => c.Name));
    }

    private static byte[] Latin1Cafe(string before, string after) =>
        [.. Encoding.ASCII.GetBytes(before), 0xE9, .. Encoding.ASCII.GetBytes(after)];

    private static async Task<List<SourceRecord>> ReadCsvAsync(byte[] bytes, string? encoding)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["pattern"] = "*.csv" };
        if (encoding is not null)
        {
            settings["encoding"] = encoding;
        }

        var plan = new FileReadPlan(new StoredFile("latin1.csv", DateTimeOffset.UnixEpoch, bytes.Length), Columns, FilesStreamSettings.From(new StreamDefinition { Name = "people", Settings = settings }));
        var records = new List<SourceRecord>();
        await foreach (var record in CsvFileReader.ReadAsync(new MemoryStream(bytes), plan, 0, CancellationToken.None))
        {
            records.Add(record);
        }

        return records;
    }

    private static async Task<List<SourceRecord>> ReadJsonLinesAsync(byte[] bytes)
    {
        var plan = new FileReadPlan(new StoredFile("f.jsonl", DateTimeOffset.UnixEpoch, bytes.Length), Columns, FilesStreamSettings.From(new StreamDefinition { Name = "f", Settings = new(StringComparer.OrdinalIgnoreCase) { ["pattern"] = "*.jsonl" } }));
        var records = new List<SourceRecord>();
        await foreach (var record in JsonLinesFileReader.ReadAsync(new MemoryStream(bytes), plan, 0, CancellationToken.None))
        {
            records.Add(record);
        }

        return records;
    }
}
