using System.Text;
using Daedalus.Configuration;
using Daedalus.Sources;
using Daedalus.Sources.Files;

namespace Daedalus.Tests.Sources.Files;

/// <summary>JSON Lines numbers land as the file writes them, or their line is refused with a reason.</summary>
public sealed class JsonLinesValueTests
{
    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    public async Task A_number_past_double_range_is_refused_not_turned_into_infinity(string number)
    {
        var records = await ReadAsync($"{{\"id\":1,\"reading\":{number}}}\n{{\"id\":2,\"reading\":1.5e300}}\n");

        Assert.Equal(2, records.Count);
        Assert.Equal("file f.jsonl line 1: column reading is beyond double precision's range", records[0].Rejected);
        Assert.Null(records[1].Rejected);
        Assert.Equal(1.5e300, records[1].Values[1]);
    }

    private static async Task<List<SourceRecord>> ReadAsync(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        List<ColumnSchema> columns = [new("id", ColumnType.Integer), new("reading", ColumnType.Double)];
        var plan = new FileReadPlan(new StoredFile("f.jsonl", DateTimeOffset.UnixEpoch, bytes.Length), columns, FilesStreamSettings.From(new StreamDefinition { Name = "f", Settings = new(StringComparer.OrdinalIgnoreCase) { ["pattern"] = "*.jsonl" } }));
        var records = new List<SourceRecord>();
        await foreach (var record in JsonLinesFileReader.ReadAsync(new MemoryStream(bytes), plan, 0, CancellationToken.None))
        {
            records.Add(record);
        }

        return records;
    }
}
