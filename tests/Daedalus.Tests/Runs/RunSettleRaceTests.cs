using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Daedalus.Tests.Runs;

/// <summary>
/// Two settles of one run at once (the pull's finish and a batch's load, or two loads): the one that waited for the
/// other's row lock must count the batches as they are once it has the lock, not as they were when it started, or it
/// writes <c>loading</c> over the other's <c>succeeded</c> and the run never finishes. Real PostgreSQL; the interleaving
/// is forced with a held row lock.
/// </summary>
public sealed class RunSettleRaceTests : IAsyncLifetime
{
    private CoreServices _core = null!;

    public async Task InitializeAsync() => _core = await CoreServices.StartAsync("settlerace");

    public async Task DisposeAsync() => await _core.DisposeAsync();

    [Fact]
    public async Task A_settle_that_waited_behind_another_counts_what_was_committed_while_it_waited()
    {
        var run = Guid.NewGuid();
        await using (var setup = new NpgsqlConnection(_core.ConnectionString))
        {
            await setup.ExecuteAsync(
                """
                INSERT INTO daedalus.runs (id, source, trigger, status, started_at, pull_status) VALUES (@run, 'shop', 'schedule', 'loading', now(), 'succeeded');
                INSERT INTO daedalus.enqueued_batches (batch_id, run_id, source, stream, sequence, rows, state)
                VALUES ('b1', @run, 'shop', 'customers', 1, 10, 'loaded'), ('b2', @run, 'shop', 'customers', 2, 10, 'queued');
                """,
                new { run });
        }

        // The last batch's load: it commits 'loaded' and settles, holding the run's row while it does.
        await using var last = new NpgsqlConnection(_core.ConnectionString);
        await last.OpenAsync();
        await using var lastSettle = await last.BeginTransactionAsync();
        await last.ExecuteAsync("SELECT 1 FROM daedalus.runs WHERE id = @run FOR UPDATE", new { run }, lastSettle);

        // Meanwhile another settle starts (the pull's finish): b2 is still queued when it begins, and it waits.
        await using var other = new NpgsqlConnection(_core.ConnectionString);
        await other.OpenAsync();
        var otherPid = other.ProcessID;
        var waiting = RunStore.SettleAsync(other, run, CancellationToken.None);
        await Eventually.TrueAsync(
            async () =>
            {
                await using var probe = new NpgsqlConnection(_core.ConnectionString);
                return await probe.ExecuteScalarAsync<bool>("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = @otherPid", new { otherPid });
            },
            TimeSpan.FromSeconds(30),
            "the second settle waits for the run's row");

        // b2 loads and the first settle finishes the run.
        await last.ExecuteAsync(
            """
            UPDATE daedalus.enqueued_batches SET state = 'loaded' WHERE run_id = @run AND batch_id = 'b2';
            UPDATE daedalus.runs SET status = 'succeeded', finished_at = now() WHERE id = @run;
            """,
            new { run },
            lastSettle);
        await lastSettle.CommitAsync();
        await waiting;

        await using var check = new NpgsqlConnection(_core.ConnectionString);
        Assert.Equal("succeeded", await check.ExecuteScalarAsync<string>("SELECT status FROM daedalus.runs WHERE id = @run", new { run }));
        Assert.NotNull(await check.ExecuteScalarAsync<DateTime?>("SELECT finished_at FROM daedalus.runs WHERE id = @run", new { run }));
    }
}
