using Daedalus.Runs;
using Dapper;
using Npgsql;

namespace Daedalus.Storage;

/// <summary>
/// Sync history: one row per run, with per-stream detail. Load counters are added by the loader.
/// <para>
/// A run's status is what happened: <c>queued</c> while its pull request waits on the pull queue (from the moment it is
/// enqueued, and again between the parts of a time-limited pull), <c>running</c> while a process pulls it (with a heartbeat), <c>loading</c> once
/// its pull finished while batches it put on the queue are not all settled, then the pull's own outcome
/// (<c>succeeded</c> / <c>partial</c> / <c>failed</c>), except that any batch poisoned or lost makes it
/// <c>failed</c>, with the batches and rows that did not load counted. A run whose process died stops heartbeating
/// and is closed as failed by the next process that looks (<see cref="CloseAbandonedAsync"/>), or as cancelled when an
/// operator had asked to cancel it (<see cref="RequestCancelAsync"/>) before the process could stop at a batch boundary;
/// the same holds for a run whose pull request was lost (<see cref="CloseLostPullsAsync"/>) or poisoned
/// (<see cref="MarkPullPoisonedAsync"/>).
/// </para>
/// </summary>
public sealed class RunStore
{
    /// <summary>How often a process working on a run proves it is alive.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(10);

    /// <summary>A running run whose heartbeat is older than this belongs to a process that died.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromSeconds(45);

    private readonly NpgsqlDataSource _dataSource;

    public RunStore(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
    }

    public async Task StartAsync(Guid id, string source, string trigger, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO daedalus.runs (id, source, trigger, status, started_at, heartbeat_at) VALUES (@id, @source, @trigger, @status, @at, now()) ON CONFLICT (id) DO NOTHING",
            new { id, source, trigger, status = RunStatus.Running.Name(), at }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Creates the run of a pull request about to be enqueued: <c>queued</c>, part 1 from the first stream.
    /// <c>heartbeat_at</c> holds when it was queued (nothing beats for a queued run).
    /// </summary>
    public async Task QueueAsync(Guid id, string source, string trigger, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO daedalus.runs (id, source, trigger, status, started_at, heartbeat_at, pull_part, pull_stream) VALUES (@id, @source, @trigger, @status, @at, now(), 1, 0) ON CONFLICT (id) DO NOTHING",
            new { id, source, trigger, status = RunStatus.Queued.Name(), at }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Claims part <paramref name="part"/> of run <paramref name="id"/> for the caller, who holds the source's pull lock:
    /// the run must be waiting for exactly that part (<c>queued</c>; <c>running</c> when the process that had it died,
    /// since nobody else holds the lock; <c>failed</c> by a poisoned request that was replayed). Returns the claimed
    /// state, or the run as it is when the claim is refused (a duplicate or late delivery), or null when there is no run.
    /// </summary>
    public async Task<PullClaim?> ClaimPullAsync(Guid id, int part, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var claimed = await connection.QuerySingleOrDefaultAsync<PullClaimRow>(new CommandDefinition(
            """
            UPDATE daedalus.runs SET status = 'running', heartbeat_at = now(), finished_at = NULL,
                pull_status = CASE WHEN pull_poisoned_at IS NULL THEN pull_status END,
                pull_error = CASE WHEN pull_poisoned_at IS NULL THEN pull_error END,
                error = NULL, pull_poisoned_at = NULL
            WHERE id = @id AND pull_part = @part
              AND (status IN ('queued', 'running') OR (status = 'failed' AND pull_poisoned_at IS NOT NULL))
            RETURNING true AS claimed, status, pull_part, pull_stream, pull_status, pull_error
            """,
            new { id, part }, cancellationToken: cancellationToken));
        claimed ??= await connection.QuerySingleOrDefaultAsync<PullClaimRow>(new CommandDefinition(
            "SELECT false AS claimed, status, pull_part, pull_stream, pull_status, pull_error FROM daedalus.runs WHERE id = @id",
            new { id }, cancellationToken: cancellationToken));
        return claimed?.ToClaim();
    }

    /// <summary>
    /// Part <paramref name="part"/> - 1 stopped at its time limit: the run waits (<c>queued</c>) for part
    /// <paramref name="part"/>, starting at stream index <paramref name="stream"/>, with the worst status and the errors
    /// of the parts so far kept for the final status.
    /// </summary>
    public async Task RequeueAsync(Guid id, int part, int stream, RunStatus? pullStatus, string? pullError, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE daedalus.runs SET status = 'queued', heartbeat_at = now(), pull_part = @part, pull_stream = @stream,
                pull_status = @pullStatus, pull_error = @pullError
            WHERE id = @id AND status = 'running'
            """,
            new { id, part, stream, pullStatus = pullStatus?.Name(), pullError = Storable(pullError) }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The run's pull request went to the poison queue: the run is <c>failed</c> with the reason, and stays claimable by
    /// the same part when the request is replayed. A run an operator had asked to cancel is closed as <c>cancelled</c>
    /// instead (<see cref="CloseGoneAsync"/>; a replayed request then claims nothing). Returns whether a waiting run was marked.
    /// </summary>
    public async Task<bool> MarkPullPoisonedAsync(Guid id, int part, string error, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var marked = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE daedalus.runs SET status = 'failed', pull_status = 'failed', heartbeat_at = NULL, finished_at = now(), pull_poisoned_at = now(),
                pull_error = @error, error = @error
            WHERE id = @id AND pull_part = @part AND status IN ('queued', 'running') AND cancel_requested_at IS NULL
            """,
            new { id, part, error = Storable($"pull request in the pull poison queue (replay it): {error}") }, cancellationToken: cancellationToken)) > 0;
        var cancelled = !marked && await CloseGoneAsync(
            connection,
            id,
            "r.pull_part = @part AND r.status IN ('queued', 'running')",
            "NULL",
            "format('cancelled by %s; its pull request went to the pull poison queue before a process acknowledged the cancel: %s', " + CancelledBySql + ", @error)",
            new { part, error = Storable(error) },
            cancellationToken) is not null;
        if (marked || cancelled)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO daedalus.run_events (run_id, kind, source, detail)
                SELECT id, 'pull.poisoned', source, jsonb_build_object('part', @part, 'error', @error) FROM daedalus.runs WHERE id = @id;
                """ + RunEventStore.FinishedSql,
                new { id, part, error = Storable(error) }, cancellationToken: cancellationToken));
        }

        if (cancelled)
        {
            await SettleAsync(connection, id, cancellationToken);
        }

        return marked || cancelled;
    }

    /// <summary>
    /// Closes runs still <c>queued</c> <paramref name="olderThan"/> after they were (re)queued while the pull queue holds no
    /// message at all: storage lost their request. Failed, or cancelled when an operator had asked to cancel one before
    /// (<see cref="CloseGoneAsync"/>); <c>loading</c> first while batches of earlier parts still load.
    /// </summary>
    public async Task<ClosedRuns> CloseLostPullsAsync(TimeSpan olderThan, CancellationToken cancellationToken)
    {
        const string Lost = "r.status = 'queued' AND coalesce(r.heartbeat_at, r.started_at) < now() - make_interval(secs => @seconds)";
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var ids = await connection.QueryAsync<Guid>(new CommandDefinition(
            $"SELECT r.id FROM daedalus.runs r WHERE {Lost} ORDER BY r.started_at", new { seconds = olderThan.TotalSeconds }, cancellationToken: cancellationToken));
        return await CloseAllGoneAsync(
            connection,
            ids,
            Lost,
            "'pull request lost: the pull queue was empty while this run waited for it (the next run resumes from the stored cursors)'",
            "format('cancelled by %s; its pull request was lost before a process acknowledged the cancel (the next run resumes from the stored cursors)', " + CancelledBySql + ")",
            new { seconds = olderThan.TotalSeconds },
            cancellationToken);
    }

    /// <summary>
    /// A run of <paramref name="source"/> waiting for or holding a pull (so another trigger is refused), or, with
    /// <paramref name="loading"/>, also one whose batches are still loading (so a schedule does not pile pulls on a
    /// queue that has not caught up). Null when there is none.
    /// </summary>
    public async Task<Guid?> OpenPullAsync(string source, bool loading, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(
            "SELECT id FROM daedalus.runs WHERE source = @source AND (status IN ('queued', 'running') OR (@loading AND status = 'loading')) ORDER BY started_at DESC LIMIT 1",
            new { source, loading }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Records one stream's part of a run. A stream cut by a time-limited part and resumed by the next adds to what the
    /// earlier part recorded (rows, batches, time) and moves <c>cursor_to</c>; <c>cursor_from</c> stays the first part's.
    /// </summary>
    public async Task RecordStreamAsync(Guid id, string stream, long rowsRead, int batches, string? cursorFrom, string? cursorTo, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO daedalus.run_streams (run_id, stream, rows_read, batches, cursor_from, cursor_to, duration_ms)
            VALUES (@id, @stream, @rowsRead, @batches, @cursorFrom, @cursorTo, @ms)
            ON CONFLICT (run_id, stream) DO UPDATE SET rows_read = run_streams.rows_read + EXCLUDED.rows_read, batches = run_streams.batches + EXCLUDED.batches,
                cursor_to = EXCLUDED.cursor_to, duration_ms = run_streams.duration_ms + EXCLUDED.duration_ms;
            UPDATE daedalus.runs SET rows_read = (SELECT coalesce(sum(rows_read), 0) FROM daedalus.run_streams WHERE run_id = @id),
                batches = (SELECT coalesce(sum(batches), 0) FROM daedalus.run_streams WHERE run_id = @id) WHERE id = @id;
            """,
            new { id, stream, rowsRead, batches, cursorFrom, cursorTo, ms = (long)duration.TotalMilliseconds }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Records how the pull ended. When the run put batches on the queue it becomes <c>loading</c> and settles once
    /// every batch is loaded, poisoned or lost (<see cref="SettleAsync"/>); otherwise the pull's status is final.
    /// </summary>
    public async Task FinishAsync(Guid id, RunStatus status, string? error, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE daedalus.runs r SET pull_status = @status, pull_error = @error, error = @error, heartbeat_at = NULL, pull_finished_at = @at,
                status = CASE WHEN q.any THEN 'loading' ELSE @status END,
                finished_at = CASE WHEN q.any THEN NULL ELSE @at END
            FROM (SELECT EXISTS (SELECT 1 FROM daedalus.enqueued_batches WHERE run_id = @id) AS any) q
            WHERE r.id = @id;
            """ + RunEventStore.FinishedSql,
            new { id, status = status.Name(), error = Storable(error), at }, cancellationToken: cancellationToken));
        await SettleAsync(connection, id, cancellationToken);
    }

    /// <summary>
    /// Asks to cancel run <paramref name="id"/> on behalf of <paramref name="actor"/>, under the run's row lock (so a
    /// claim of its pull request sees either the run before or after, never half): a <c>queued</c> run's pull ends at
    /// once (<c>cancelled</c>, or <c>loading</c> while batches of earlier parts still load; the request, when dequeued,
    /// claims nothing and is dropped); a <c>running</c> one is marked, and its puller stops at the next batch boundary
    /// (<see cref="CancelRequestedByAsync"/>). Any other status is left alone. Returns the status the run had before,
    /// or null when there is no such run.
    /// </summary>
    public async Task<RunStatus?> RequestCancelAsync(Guid id, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var run = (await connection.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(
            $"SELECT {Columns} FROM daedalus.runs WHERE id = @id FOR UPDATE", new { id }, transaction, cancellationToken: cancellationToken)))?.ToRecord();
        if (run is null)
        {
            return null;
        }

        var error = Storable($"cancelled by {actor}");
        if (run.Status == RunStatus.Queued)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE daedalus.runs r SET cancel_requested_at = now(), cancel_requested_by = @actor,
                    pull_status = 'cancelled', pull_error = concat_ws('; ', r.pull_error, @error), error = concat_ws('; ', r.pull_error, @error),
                    heartbeat_at = NULL, pull_finished_at = now(),
                    status = CASE WHEN q.any THEN 'loading' ELSE 'cancelled' END,
                    finished_at = CASE WHEN q.any THEN NULL ELSE now() END
                FROM (SELECT EXISTS (SELECT 1 FROM daedalus.enqueued_batches WHERE run_id = @id) AS any) q
                WHERE r.id = @id;
                INSERT INTO daedalus.run_events (run_id, kind, source, detail)
                SELECT id, 'run.cancel_requested', source, jsonb_build_object('by', @actor, 'status', 'queued') FROM daedalus.runs WHERE id = @id;
                """ + RunEventStore.FinishedSql,
                new { id, actor = Storable(actor), error }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            await SettleAsync(connection, id, cancellationToken);
        }
        else if (run.Status == RunStatus.Running && run.CancelRequestedAt is null)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE daedalus.runs SET cancel_requested_at = now(), cancel_requested_by = @actor WHERE id = @id;
                INSERT INTO daedalus.run_events (run_id, kind, source, detail)
                SELECT id, 'run.cancel_requested', source, jsonb_build_object('by', @actor, 'status', 'running') FROM daedalus.runs WHERE id = @id;
                """,
                new { id, actor = Storable(actor) }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
        }

        return run.Status;
    }

    /// <summary>
    /// Who asked to cancel run <paramref name="id"/>, or null while nobody has: a puller asks at each batch boundary
    /// (one primary-key read per batch, next to the batch's own ledger writes).
    /// </summary>
    public async Task<string?> CancelRequestedByAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT coalesce(cancel_requested_by, '') FROM daedalus.runs WHERE id = @id AND cancel_requested_at IS NOT NULL", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Proves the process pulling <paramref name="id"/> is alive.</summary>
    public async Task HeartbeatAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE daedalus.runs SET heartbeat_at = now() WHERE id = @id AND status = 'running'", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Gives a run its final status once none of its queued batches is still waiting: the pull's status, or failed
    /// when batches were poisoned or lost (counted, with the rows that did not load). Runs after each settled batch
    /// (after its transaction commits, so the last of two concurrent loads sees both) and in sweeps. The run's row is
    /// locked first, in a statement of its own: the counts are then read in a snapshot taken after the lock, so a
    /// settle that waited behind another cannot write what it counted before (a run left <c>loading</c> for good).
    /// </summary>
    public static Task SettleAsync(NpgsqlConnection connection, Guid id, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            SELECT 1 FROM daedalus.runs WHERE id = @id FOR UPDATE;
            UPDATE daedalus.runs r SET
                batches_poisoned = c.poisoned, batches_lost = c.lost, rows_not_loaded = c.rows_not_loaded,
                status = CASE WHEN c.queued > 0 THEN 'loading' WHEN c.poisoned + c.lost > 0 THEN 'failed' ELSE r.pull_status END,
                finished_at = CASE WHEN c.queued > 0 THEN NULL ELSE coalesce(r.finished_at, now()) END,
                error = nullif(concat_ws('; ', r.pull_error,
                    CASE WHEN c.poisoned > 0 THEN format('%s batch(es), %s rows, in the poison queue (not loaded; replay them)', c.poisoned, c.poisoned_rows) END,
                    CASE WHEN c.lost > 0 THEN format('%s batch(es), %s rows, lost by storage (the stream is re-pulled from the hole)', c.lost, c.lost_rows) END), '')
            FROM (
                SELECT count(*) FILTER (WHERE state = 'queued') AS queued,
                       count(*) FILTER (WHERE state = 'poisoned') AS poisoned,
                       count(*) FILTER (WHERE state = 'lost') AS lost,
                       coalesce(sum(rows) FILTER (WHERE state = 'poisoned'), 0) AS poisoned_rows,
                       coalesce(sum(rows) FILTER (WHERE state = 'lost'), 0) AS lost_rows,
                       coalesce(sum(rows) FILTER (WHERE state IN ('poisoned', 'lost')), 0) AS rows_not_loaded
                FROM daedalus.enqueued_batches WHERE run_id = @id
            ) c
            WHERE r.id = @id AND r.pull_status IS NOT NULL AND r.status IN ('loading', 'succeeded', 'partial', 'failed', 'cancelled')
              AND EXISTS (SELECT 1 FROM daedalus.enqueued_batches WHERE run_id = @id);
            """ + RunEventStore.FinishedSql,
            new { id },
            cancellationToken: cancellationToken));

    /// <summary>Settles every run still <c>loading</c> (a process may have died between a load's commit and its settle).</summary>
    public async Task<int> SettleOpenRunsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var ids = (await connection.QueryAsync<Guid>(new CommandDefinition(
            "SELECT id FROM daedalus.runs WHERE status = 'loading'", cancellationToken: cancellationToken))).ToList();
        foreach (var id in ids)
        {
            await SettleAsync(connection, id, cancellationToken);
        }

        return ids.Count;
    }

    /// <summary>
    /// Closes runs whose process died (SIGKILL, crash, host recycled): still <c>running</c> with a heartbeat older
    /// than <paramref name="staleAfter"/> (of <paramref name="source"/> only, when given; never <paramref name="except"/>).
    /// A puller holding the source's lock passes zero: no other process can be pulling that source. Each is failed
    /// (abandoned), or cancelled when an operator had asked to cancel it and the process died before it stopped at a
    /// batch boundary (<see cref="CloseGoneAsync"/>); <c>loading</c> first while batches it enqueued still load.
    /// </summary>
    public async Task<ClosedRuns> CloseAbandonedAsync(string? source, TimeSpan staleAfter, Guid? except, CancellationToken cancellationToken)
    {
        const string Abandoned = "r.status = 'running' AND coalesce(r.heartbeat_at, r.started_at) <= now() - make_interval(secs => @seconds)";
        const string LastHeartbeat = "coalesce(to_char(r.heartbeat_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), 'none')";
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var ids = await connection.QueryAsync<Guid>(new CommandDefinition(
            $"""
            SELECT r.id FROM daedalus.runs r
            WHERE {Abandoned} AND (@source::text IS NULL OR r.source = @source) AND (@except::uuid IS NULL OR r.id <> @except)
            ORDER BY r.started_at
            """,
            new { source, seconds = staleAfter.TotalSeconds, except },
            cancellationToken: cancellationToken));
        return await CloseAllGoneAsync(
            connection,
            ids,
            Abandoned,
            $"format('abandoned: the process running it stopped without finishing (last heartbeat %s)', {LastHeartbeat})",
            $"format('cancelled by %s; the process running it stopped before it acknowledged the cancel (last heartbeat %s)', {CancelledBySql}, {LastHeartbeat})",
            new { seconds = staleAfter.TotalSeconds },
            cancellationToken);
    }

    /// <summary>Who asked to cancel run <c>r</c>, in SQL (an empty actor is still someone's request).</summary>
    private const string CancelledBySql = "coalesce(nullif(r.cancel_requested_by, ''), 'an operator')";

    /// <summary>Closes each of <paramref name="ids"/> still meeting <paramref name="condition"/> (<see cref="CloseGoneAsync"/>), records its end and settles it.</summary>
    private static async Task<ClosedRuns> CloseAllGoneAsync(
        NpgsqlConnection connection, IEnumerable<Guid> ids, string condition, string failedReason, string cancelledReason, object parameters, CancellationToken cancellationToken)
    {
        var closed = new ClosedRuns(0, 0);
        foreach (var id in ids)
        {
            var status = await CloseGoneAsync(connection, id, condition, failedReason, cancelledReason, parameters, cancellationToken);
            if (status is null)
            {
                continue;
            }

            closed = status == RunStatus.Cancelled ? closed with { Cancelled = closed.Cancelled + 1 } : closed with { Failed = closed.Failed + 1 };
            await connection.ExecuteAsync(new CommandDefinition(RunEventStore.FinishedSql, new { id }, cancellationToken: cancellationToken));
            await SettleAsync(connection, id, cancellationToken);
        }

        return closed;
    }

    /// <summary>
    /// Closes run <paramref name="id"/>, which no process will finish (its process died, its pull request was lost or
    /// poisoned), when it still meets <paramref name="condition"/> (SQL on <c>r</c>, checked again under the update's
    /// row lock, so a run claimed meanwhile is left alone). Its pull ends <c>cancelled</c> when an operator had asked to
    /// cancel it (the request was honoured: the run stopped, if not at a batch boundary; what its batches loaded counts),
    /// with <paramref name="cancelledReason"/> saying by whom and that its process never acknowledged it, else
    /// <c>failed</c> with <paramref name="failedReason"/> (both SQL on <c>r</c>; <c>NULL</c>: leave such runs alone), after the
    /// errors of earlier parts. The run is <c>loading</c> while batches it enqueued still load (then
    /// <see cref="SettleAsync"/> gives it that status, or failed when one was poisoned or lost), final otherwise.
    /// Returns the status its pull was closed with, or null when it was not closed.
    /// </summary>
    private static async Task<RunStatus?> CloseGoneAsync(
        NpgsqlConnection connection, Guid id, string condition, string failedReason, string cancelledReason, object parameters, CancellationToken cancellationToken)
    {
        var reason = $"CASE WHEN r.cancel_requested_at IS NULL THEN {failedReason} ELSE {cancelledReason} END";
        var error = $"left(concat_ws('; ', r.pull_error, {reason}), {MaxErrorLength})";
        var arguments = new DynamicParameters(parameters);
        arguments.Add("id", id);
        var status = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            $"""
            UPDATE daedalus.runs r SET
                pull_status = CASE WHEN r.cancel_requested_at IS NULL THEN 'failed' ELSE 'cancelled' END,
                pull_error = {error}, error = {error}, heartbeat_at = NULL, pull_finished_at = now(),
                status = CASE WHEN q.any THEN 'loading' WHEN r.cancel_requested_at IS NULL THEN 'failed' ELSE 'cancelled' END,
                finished_at = CASE WHEN q.any THEN NULL ELSE now() END
            FROM (SELECT EXISTS (SELECT 1 FROM daedalus.enqueued_batches WHERE run_id = @id) AS any) q
            WHERE r.id = @id AND ({condition}) AND ({reason}) IS NOT NULL
            RETURNING r.pull_status
            """,
            arguments,
            cancellationToken: cancellationToken));
        return status is null ? null : RunStatuses.Parse(status);
    }

    public async Task<RunRecord?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(
            $"SELECT {Columns} FROM daedalus.runs WHERE id = @id", new { id }, cancellationToken: cancellationToken)))?.ToRecord();
    }

    /// <summary>
    /// Runs of <paramref name="source"/> (all when null) with <paramref name="status"/> (any when null), newest first
    /// (ties by id, so pages neither skip nor repeat), those after run <paramref name="after"/> in that order when given.
    /// </summary>
    public async Task<IReadOnlyList<RunRecord>> ListAsync(string? source, int limit, RunStatus? status, CancellationToken cancellationToken, Guid? after = null)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<RunRow>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM daedalus.runs
            WHERE (@source::text IS NULL OR source = @source) AND (@status::text IS NULL OR status = @status)
              AND (@after::uuid IS NULL OR (started_at, id) < (SELECT a.started_at, a.id FROM daedalus.runs a WHERE a.id = @after))
            ORDER BY started_at DESC, id DESC LIMIT @limit
            """,
            new { source, limit, status = status?.Name(), after }, cancellationToken: cancellationToken))).Select(r => r.ToRecord()).ToList();
    }

    /// <summary>Any one run of <paramref name="source"/> (its history exists), or null.</summary>
    public async Task<Guid?> GetAnyAsync(string source, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(
            "SELECT id FROM daedalus.runs WHERE source = @source LIMIT 1", new { source }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Error text as it can be saved: upstream bodies may hold NULs or broken Unicode (PostgreSQL text refuses both), and
    /// a run whose error cannot be saved would stay open. Capped, since an error is a message, not a copy of a body.
    /// </summary>
    internal static string? Storable(string? error) =>
        error is null ? null : Configuration.StoredText.Sanitize(error.Length > MaxErrorLength ? error[..MaxErrorLength] + " (truncated)" : error);

    private const int MaxErrorLength = 8_000;

    private const string Columns = "id, source, trigger, status, started_at, finished_at, rows_read, rows_loaded, rows_quarantined, rows_deleted, batches, error, batches_poisoned, batches_lost, rows_not_loaded, cancel_requested_at, cancel_requested_by";
}
