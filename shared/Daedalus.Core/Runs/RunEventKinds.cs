namespace Daedalus.Runs;

/// <summary>The <c>kind</c> of a run event (<c>daedalus.run_events</c>), in the order a run produces them.</summary>
public static class RunEventKinds
{
    /// <summary>The pull request was put on the pull queue. Detail: trigger.</summary>
    public const string Queued = "run.queued";

    /// <summary>A process claimed a part of the pull. Detail: part, firstStream, trigger.</summary>
    public const string PullStarted = "pull.started";

    /// <summary>A batch is on the batch queue. Detail: sequence, rows, quarantined (rejected before the queue), cursorFrom, cursorTo.</summary>
    public const string BatchEnqueued = "batch.enqueued";

    /// <summary>A stream was read to its end (or cut by the pull time limit). Detail: status, rowsRead, batches, durationMs, error.</summary>
    public const string StreamPulled = "stream.pulled";

    /// <summary>The pull part ended. Detail: status, streams, continues (another part follows).</summary>
    public const string PullEnded = "pull.ended";

    /// <summary>A batch committed. Detail: sequence, rows, loaded, quarantined, deleted, stale, durationMs.</summary>
    public const string BatchLoaded = "batch.loaded";

    /// <summary>A batch went to the poison queue. Detail: error.</summary>
    public const string BatchPoisoned = "batch.poisoned";

    /// <summary>A batch was lost by storage and its stream rewound. Detail: sequence, cursorFrom.</summary>
    public const string BatchLost = "batch.lost";

    /// <summary>The pull request went to the pull poison queue. Detail: part, error.</summary>
    public const string PullPoisoned = "pull.poisoned";

    /// <summary>An operator asked to cancel the run. Detail: by (the audited actor), status (queued or running when asked).</summary>
    public const string CancelRequested = "run.cancel_requested";

    /// <summary>A pull saw the cancel request and stopped at a batch boundary. Detail: part, stream, by.</summary>
    public const string PullCancelled = "pull.cancelled";

    /// <summary>The run reached a final status (again after a replay). Detail: status, counts, error.</summary>
    public const string Finished = "run.finished";
}
