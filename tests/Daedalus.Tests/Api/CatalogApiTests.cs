using System.Net;
using Daedalus.Api;
using Daedalus.Client;
using Daedalus.Runs;
using Daedalus.Sources.Sample;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Api;

/// <summary>
/// GET /api/v1/catalog over a real PostgreSQL: the target tables of the configured streams, before and after their
/// first load, with types as PostgreSQL reports them, protected columns, exact row counts, last load and freshness.
/// </summary>
public sealed class CatalogApiTests : IAsyncLifetime
{
    private ApiServer _server = null!;
    private DaedalusClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync("api_catalog");
        _client = _server.Client(_server.WriteKey);
        await _client.ReplaceSourceAsync("shop", SourceSpecMapper.ToSpec(SampleSourceDefinition.Create("shop", 300, "shop")) with { Name = null });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Lists_every_target_table_before_and_after_its_first_load()
    {
        var before = await _client.ListCatalogAsync();
        Assert.Equal(["shop.customers", "shop.invoices"], before.Select(t => $"{t.Schema}.{t.Table}"));
        Assert.All(before, t => Assert.False(t.Exists));
        Assert.All(before, t => Assert.Null(t.RowCount));
        Assert.All(before, t => Assert.Equal("never", t.Freshness));
        Assert.Equal(["email", "phone"], before[0].ProtectedColumns);

        var accepted = await _client.TriggerRunAsync("shop");
        var run = await _client.GetRunAsync("shop", accepted.RunId);
        for (var i = 0; run.Status is RunStatus.Queued or RunStatus.Running or RunStatus.Loading && i < 600; i++)
        {
            await Task.Delay(100);
            run = await _client.GetRunAsync("shop", accepted.RunId);
        }

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var after = await _client.ListCatalogAsync();
        foreach (var table in after)
        {
            Assert.True(table.Exists);
            Assert.False(table.RowCountEstimated);
            Assert.Equal(await _server.ScalarAsync<long>($"SELECT count(*) FROM \"shop\".\"{table.Table}\""), table.RowCount);
            Assert.NotNull(table.LastLoadAt);
            Assert.Equal(await _server.ScalarAsync<DateTime>($"SELECT max(loaded_at) FROM daedalus.batches WHERE stream = '{table.Stream}'"), table.LastLoadAt!.Value.UtcDateTime);
            Assert.Equal("fresh", table.Freshness);
            Assert.Contains(table.Columns, c => c.Name == "_daedalus_loaded_at" && c.Bookkeeping && c.Type == "timestamp with time zone");
        }

        var customers = await _client.GetCatalogTableAsync("shop", "customers");
        Assert.Equal(300, customers.RowCount);
        var columns = customers.Columns.ToDictionary(c => c.Name);
        Assert.Equal("encrypt", columns["email"].Protection);
        Assert.Equal("hash", columns["phone"].Protection);
        Assert.Equal("text", columns["email"].Type);
        Assert.True(columns["id"].PrimaryKey);
        Assert.False(columns["id"].Nullable);
        Assert.Null(columns["id"].Protection);
        var types = await _server.ScalarAsync<string>(
            "SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ',' ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = 'shop.customers'::regclass AND a.attnum > 0 AND NOT a.attisdropped");
        Assert.Equal(types, string.Join(",", customers.Columns.Select(c => $"{c.Name} {c.Type}")));
    }

    [Fact]
    public async Task An_unknown_table_is_404_and_a_read_key_may_list()
    {
        var missing = await Assert.ThrowsAsync<DaedalusApiException>(() => _client.GetCatalogTableAsync("shop", "nope"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(2, (await _server.Client(_server.ReadKey).ListCatalogAsync()).Count);
    }

    [Fact]
    public async Task Protection_is_reported_for_columns_protected_by_star_and_for_renamed_columns()
    {
        // The catalog looked target names up in the protect map, keyed by source names and "*": both showed null.
        var starred = SampleSourceDefinition.Create("starred", 50, "starred");
        starred.Streams.RemoveAll(s => s.Name != "customers");
        starred.Metrics.Clear();
        starred.Streams[0].Protect.Clear();
        starred.Streams[0].Protect["*"] = Daedalus.Configuration.ProtectionMode.Encrypt;
        var renamed = SampleSourceDefinition.Create("renamed", 50, "renamed");
        renamed.Streams.RemoveAll(s => s.Name != "customers");
        renamed.Metrics.Clear();
        renamed.Streams[0].Rename["email"] = "contact_email";
        foreach (var source in new[] { starred, renamed })
        {
            await _client.ReplaceSourceAsync(source.Name, SourceSpecMapper.ToSpec(source) with { Name = null });
            Assert.Equal(RunStatus.Succeeded, (await RunToEndAsync(source.Name)).Status);
        }

        var star = await _client.GetCatalogTableAsync("starred", "customers");
        var textColumns = star.Columns.Where(c => !c.PrimaryKey && !c.Bookkeeping && c.Type == "text").Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(textColumns);
        Assert.Equal(textColumns, star.ProtectedColumns);
        Assert.All(star.Columns, c => Assert.Equal(textColumns.Contains(c.Name) ? "encrypt" : null, c.Protection));
        Assert.Equal(0L, await _server.ScalarAsync<long>("SELECT count(*) FROM starred.customers WHERE name NOT LIKE 'enc:v1:%'"));

        var renamedTable = await _client.GetCatalogTableAsync("renamed", "customers");
        Assert.Equal("encrypt", renamedTable.Columns.Single(c => c.Name == "contact_email").Protection);
        Assert.Equal(["contact_email", "phone"], renamedTable.ProtectedColumns);
    }

    private async Task<RunInfo> RunToEndAsync(string source)
    {
        var accepted = await _client.TriggerRunAsync(source);
        var run = await _client.GetRunAsync(source, accepted.RunId);
        for (var i = 0; run.Status is RunStatus.Queued or RunStatus.Running or RunStatus.Loading && i < 600; i++)
        {
            await Task.Delay(100);
            run = await _client.GetRunAsync(source, accepted.RunId);
        }

        return run;
    }
}
