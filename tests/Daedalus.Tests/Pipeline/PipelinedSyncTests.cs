using Daedalus.Pipeline;
using Daedalus.Runs;
using Daedalus.Sources.Sample;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Pipeline;

/// <summary>
/// An in-process sync keeps two loads in flight; when one fails, the one waiting behind it must not commit.
/// Real PostgreSQL, the sample source in 500-row batches.
/// </summary>
public sealed class PipelinedSyncTests : IAsyncLifetime
{
    private CoreServices _core = null!;

    public async Task InitializeAsync()
    {
        _core = await CoreServices.StartAsync("pipesync", new Dictionary<string, string?> { ["Daedalus:Sync:MaxBatchRows"] = "500" });
        var source = SampleSourceDefinition.Create("sample", 3_000);
        source.Streams.RemoveAll(s => s.Name != "customers");
        await _core.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    private async Task<StreamSummary> SyncAsync() =>
        (await _core.Get<SyncRunner>().RunAsync(["sample"], _core.Get<InProcessSink>(), "test", null, CancellationToken.None)).Single();

    [Fact]
    public async Task A_batch_failing_after_its_wait_stops_the_stream_there_and_the_next_one_is_not_committed()
    {
        // The third batch fails in its bookkeeping (after its gate opened, after its rows went in), while the fourth
        // has already started behind it: the run's row counter may not pass 1,200 (each batch adds ~490), once (a
        // sequence is not transactional), so a fourth batch that went ahead anyway would load.
        await _core.ScalarAsync<int>("""
            CREATE SEQUENCE public.cap_fired;
            CREATE FUNCTION public.cap_rows() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.rows_loaded > 1200 AND nextval('public.cap_fired') = 1 THEN RAISE EXCEPTION 'row budget of this test exceeded'; END IF; RETURN NEW; END $$;
            CREATE TRIGGER cap BEFORE UPDATE OF rows_loaded ON daedalus.runs FOR EACH ROW EXECUTE FUNCTION public.cap_rows();
            SELECT 1;
            """);

        var failed = await SyncAsync();

        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal(2, failed.Batches);
        Assert.Equal(2, await _core.ScalarAsync<long>("SELECT count(*) FROM daedalus.batches WHERE stream = 'customers'"));
        Assert.Equal(failed.RowsLoaded, await _core.ScalarAsync<long>("SELECT count(*) FROM sample.customers"));
        Assert.Equal(failed.RowsRead, failed.RowsLoaded + failed.Quarantined);
        Assert.Equal(
            await _core.ScalarAsync<string>("SELECT cursor_to FROM daedalus.batches WHERE stream = 'customers' ORDER BY sequence DESC LIMIT 1"),
            await _core.Get<CursorStore>().GetAsync("sample", "customers", CancellationToken.None));

        // The next run resumes from the stored cursor and loads the rest exactly once.
        await _core.ScalarAsync<int>("DROP TRIGGER cap ON daedalus.runs; SELECT 1;");
        var resumed = await SyncAsync();

        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        // The sample's rows share one page and batches cut mid-page carry no cursor, so the page is read again; the
        // two batches already in the ledger are recognised (same content, same id) and skipped, not loaded twice.
        Assert.Equal(3_000, resumed.RowsRead);
        Assert.Equal(6, resumed.Batches);
        Assert.Equal(failed.RowsLoaded + resumed.RowsLoaded, await _core.ScalarAsync<long>("SELECT count(*) FROM sample.customers"));
        Assert.Equal(3_000 - failed.RowsLoaded - resumed.RowsLoaded, await _core.ScalarAsync<long>("SELECT count(*) FROM daedalus.quarantine"));
        Assert.Equal(6, await _core.ScalarAsync<long>("SELECT count(*) FROM daedalus.batches WHERE stream = 'customers'"));
    }

    [Fact]
    public async Task A_batch_whose_run_could_not_be_settled_after_its_commit_is_counted_and_the_stream_goes_on()
    {
        // Settling the run after a commit fails once (the statement is the settle's: it names pull_status; a sequence
        // is not transactional, so it fails exactly once): the batch committed, so it is loaded, counted and followed.
        await _core.ScalarAsync<int>("""
            CREATE SEQUENCE public.settle_fired;
            CREATE FUNCTION public.fail_settle() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF current_query() LIKE '%r.pull_status IS NOT NULL%' AND nextval('public.settle_fired') = 1 THEN RAISE EXCEPTION 'settle refused by this test'; END IF; RETURN NULL; END $$;
            CREATE TRIGGER fail_settle BEFORE UPDATE ON daedalus.runs FOR EACH STATEMENT EXECUTE FUNCTION public.fail_settle();
            SELECT 1;
            """);

        var summary = await SyncAsync();

        // The first settle (the first batch's, after its commit) was refused, and the later ones ran.
        Assert.True(await _core.ScalarAsync<long>("SELECT last_value FROM public.settle_fired") > 1);
        Assert.Equal(RunStatus.Succeeded, summary.Status);
        Assert.Equal(6, summary.Batches);
        Assert.Equal(3_000, summary.RowsRead);
        Assert.Equal(summary.RowsLoaded, await _core.ScalarAsync<long>("SELECT count(*) FROM sample.customers"));
        Assert.Equal(3_000, summary.RowsLoaded + summary.Quarantined);
        Assert.Equal(summary.RowsLoaded, await _core.ScalarAsync<long>("SELECT rows_loaded FROM daedalus.runs"));
        Assert.Equal("succeeded", await _core.ScalarAsync<string>("SELECT status FROM daedalus.runs"));
    }
}
