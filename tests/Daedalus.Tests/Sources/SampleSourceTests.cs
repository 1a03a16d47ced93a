using Daedalus.Configuration;
using Daedalus.Sources;
using Daedalus.Sources.Sample;
using Microsoft.Extensions.Logging.Abstractions;

namespace Daedalus.Tests.Sources;

public sealed class SampleSourceTests
{
    private static async Task<List<SourcePage>> ReadAsync(SourceDefinition source, string stream, string? cursor)
    {
        var plugin = new SampleSourcePlugin();
        var context = new SourceContext(source, null!, null!, TimeProvider.System, NullLogger.Instance);
        var definition = source.FindStream(stream)!;
        var schema = await plugin.DescribeAsync(context, definition, CancellationToken.None);
        var pages = new List<SourcePage>();
        await foreach (var page in plugin.ReadAsync(context, new StreamReadRequest(definition, schema, cursor), CancellationToken.None))
        {
            pages.Add(page);
        }

        return pages;
    }

    [Fact]
    public async Task Reads_are_deterministic_and_generations_only_carry_changes()
    {
        var source = SampleSourceDefinition.Create("s", 10_000);
        var first = await ReadAsync(source, "customers", null);
        var again = await ReadAsync(source, "customers", null);
        Assert.Equal(10_000, first.Sum(p => p.Records.Count));
        Assert.Equal(first.Select(p => p.Cursor), again.Select(p => p.Cursor));
        Assert.Equal(first[1].Records[7].Values, again[1].Records[7].Values);

        var next = await ReadAsync(source, "customers", first[^1].Cursor);
        var changed = next.Sum(p => p.Records.Count);
        Assert.InRange(changed, 50, 200); // 1% updates + 0.1% deletes of 10,000
        Assert.Contains(next.SelectMany(p => p.Records), r => r.IsDeleted);
        Assert.All(next.SelectMany(p => p.Records), r => Assert.True((DateTimeOffset)r.Values[7]! > (DateTimeOffset)first[^1].Records[^1].Values[7]!));
    }

    [Fact]
    public async Task A_read_resumed_mid_generation_finishes_that_generation()
    {
        var source = SampleSourceDefinition.Create("s", 10_000);
        source.Settings["pageSize"] = "1000";
        var all = await ReadAsync(source, "invoices", null);
        var resumed = await ReadAsync(source, "invoices", all[4].Cursor);
        Assert.Equal(all.Skip(5).Sum(p => p.Records.Count), resumed.Sum(p => p.Records.Count));
        Assert.Equal(all[^1].Cursor, resumed[^1].Cursor);
    }

    [Fact]
    public void Invalid_settings_are_reported()
    {
        var source = SampleSourceDefinition.Create("s", 10);
        source.Settings["customers"] = "lots";
        source.Settings["changeRate"] = "2";
        source.Streams.Add(new StreamDefinition { Name = "orders" });
        var errors = new SampleSourcePlugin().Validate(source).ToList();
        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.Contains("settings.customers", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("no stream 'orders'", StringComparison.Ordinal));
    }
}
