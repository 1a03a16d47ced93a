using Daedalus.Pipeline;
using Daedalus.Sources.Sample;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Daedalus.Tests.Pipeline;

/// <summary>End-to-end in-process syncs of the sample source into a real PostgreSQL.</summary>
public sealed class SampleSyncTests : IAsyncLifetime
{
    private CoreServices _core = null!;

    public async Task InitializeAsync()
    {
        _core = await CoreServices.StartAsync("sync");
        await _core.Get<SourceCatalog>().UpsertAsync(SampleSourceDefinition.Create("sample", 3_000), "test", CancellationToken.None);
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    private Task<IReadOnlyList<StreamSummary>> SyncAsync() =>
        _core.Get<SyncRunner>().RunAsync(["sample"], _core.Get<InProcessSink>(), "test", null, CancellationToken.None);

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        return await connection.ExecuteScalarAsync<T>(sql) ?? throw new InvalidOperationException("null");
    }

    [Fact]
    public async Task First_sync_loads_every_valid_row_and_quarantines_the_rest()
    {
        var summaries = await SyncAsync();

        var customers = summaries.Single(s => s.Stream == "customers");
        Assert.Equal("succeeded", customers.Status);
        Assert.Equal(3_000, customers.RowsRead);
        Assert.Equal(customers.RowsRead, customers.RowsLoaded + customers.Quarantined);
        Assert.Equal(customers.RowsLoaded, await ScalarAsync<long>("SELECT count(*) FROM sample.customers"));
        Assert.Equal(customers.Quarantined, await ScalarAsync<long>("SELECT count(*) FROM daedalus.quarantine WHERE stream = 'customers'"));
        Assert.Equal(6_000, summaries.Single(s => s.Stream == "invoices").RowsRead);
    }
}
