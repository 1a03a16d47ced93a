using System.Text;
using Daedalus.Batching;
using Daedalus.Sources;

namespace Daedalus.Tests.Ingest;

public sealed class BatchFormatTests
{
    private static readonly StreamSchema Schema = new(
        "things",
        [
            new("id", ColumnType.Integer), new("name", ColumnType.Text), new("price", ColumnType.Decimal), new("ratio", ColumnType.Double),
            new("ok", ColumnType.Boolean), new("day", ColumnType.Date), new("at", ColumnType.Time), new("updated", ColumnType.Timestamp), new("doc", ColumnType.Json),
        ],
        ["id"],
        "updated");

    [Fact]
    public void Envelope_round_trips_every_type_exactly()
    {
        object?[] row = [long.MaxValue, "naïve \"quoted\"", 12345678901234567.891m, 0.1, true, new DateOnly(2026, 2, 28), new TimeOnly(23, 59, 58, 123), new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero).AddTicks(9), "{\"a\":[1,2]}"];
        var batch = new Batch("id1", Guid.NewGuid(), "src", "things", Schema, [new SourceRecord(row), new SourceRecord(new object?[9], IsDeleted: true)], "from", "to", 3, DateTimeOffset.UnixEpoch);

        var back = BatchEnvelope.Deserialize(BatchEnvelope.Serialize(batch));

        Assert.Equal(batch.BatchId, back.BatchId);
        Assert.Equal(batch.RunId, back.RunId);
        Assert.Equal(("from", "to", 3), (back.CursorFrom, back.CursorTo, back.Sequence));
        Assert.Equal(row, back.Records[0].Values);
        Assert.False(back.Records[0].IsDeleted);
        Assert.True(back.Records[1].IsDeleted);
        Assert.Equal(Schema.Columns, back.Schema.Columns);
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("{\"version\":2}", "unknown batch envelope version 2")]
    [InlineData("{\"hello\":1}", "no 'version'")]
    [InlineData("{\"version\":1,\"batchId\":\"x\"}", "malformed")]
    public void Unreadable_messages_say_why(string json, string expected)
    {
        var error = Assert.Throws<BatchFormatException>(() => BatchEnvelope.Deserialize(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Batch_ids_are_deterministic_and_sensitive_to_every_input()
    {
        SourceRecord[] rows = [new([1L, "v1"]), new([2L, "x"])];
        var id = BatchIds.Create("s", "t", "g0", "a", "b", 0, rows);
        Assert.Equal(id, BatchIds.Create("s", "t", "g0", "a", "b", 0, [new([1L, "v1"]), new([2L, "x"])]));
        Assert.Equal(32, id.Length);
        Assert.Equal(11, new[]
        {
            id, BatchIds.Create("s2", "t", "g0", "a", "b", 0, rows), BatchIds.Create("s", "t2", "g0", "a", "b", 0, rows), BatchIds.Create("s", "t", "g0", "a2", "b", 0, rows),
            BatchIds.Create("s", "t", "g0", "a", "b", 1, rows), BatchIds.Create("s", "t", "g0", "a", "b", 0, rows[..1]),
            BatchIds.Create("s", "t", "g1", "a", "b", 0, rows),

            // The rows themselves: a changed value, a value of another type, a delete flag, another order.
            BatchIds.Create("s", "t", "g0", "a", "b", 0, [new([1L, "v2"]), new([2L, "x"])]),
            BatchIds.Create("s", "t", "g0", "a", "b", 0, [new(["1", "v1"]), new([2L, "x"])]),
            BatchIds.Create("s", "t", "g0", "a", "b", 0, [new([1L, "v1"], IsDeleted: true), new([2L, "x"])]),
            BatchIds.Create("s", "t", "g0", "a", "b", 0, [new([2L, "x"]), new([1L, "v1"])]),
        }.Distinct().Count());
    }

    [Fact]
    public async Task Batcher_bounds_batch_size_and_only_advances_the_cursor_on_page_boundaries()
    {
        static async IAsyncEnumerable<SourcePage> Pages()
        {
            yield return new SourcePage(Rows(1, 3), "p1");
            yield return new SourcePage(Rows(4, 3), "p2");
            yield return new SourcePage(Rows(7, 12), "p3");
            await Task.CompletedTask;
        }

        var batches = new List<Batch>();
        await foreach (var b in Batcher.BatchAsync(Pages(), "s", Schema, Guid.NewGuid(), "p0", "generation:0", 5, TimeProvider.System, CancellationToken.None))
        {
            batches.Add(b);
        }

        Assert.All(batches, b => Assert.InRange(b.Records.Count, 1, 5));
        Assert.Equal(18, batches.Sum(b => b.Records.Count));
        Assert.Equal(["p1", null, null, "p3"], batches.Skip(0).Take(1).Select(b => b.CursorTo).Concat(batches.Skip(2).Take(2).Select(b => b.CursorTo)).Concat([batches[^1].CursorTo]));
        Assert.Equal("p2", batches[1].CursorTo);
        Assert.Equal(batches.Count, batches.Select(b => b.BatchId).Distinct().Count());

        static List<SourceRecord> Rows(int start, int count) =>
            Enumerable.Range(start, count).Select(i => new SourceRecord([(long)i, null, null, null, null, null, null, null, null])).ToList();
    }
}
