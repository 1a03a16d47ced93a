using System.Diagnostics;
using System.Diagnostics.Metrics;
using Daedalus.Client;
using Daedalus.Queues;

namespace Daedalus.Telemetry;

/// <summary>
/// The pipeline's OpenTelemetry instruments (meter <c>Daedalus</c>), exported at <c>/api/v1/metrics</c>.
/// Static so the loader can count without a constructor change; gauges read the last snapshot that
/// <see cref="PipelineGaugeRefresher"/> took, because observable callbacks must not do I/O.
/// </summary>
public static class DaedalusInstruments
{
    public const string MeterName = "Daedalus";

    private static readonly Meter Meter = new(MeterName, "1.0");

    private static readonly Counter<long> RowsLoaded = Meter.CreateCounter<long>("daedalus.rows.loaded", "{row}", "Rows merged into target tables");
    private static readonly Counter<long> RowsQuarantined = Meter.CreateCounter<long>("daedalus.rows.quarantined", "{row}", "Rows that failed a QA rule and went to quarantine");
    private static readonly Counter<long> Batches = Meter.CreateCounter<long>("daedalus.batches", "{batch}", "Batches loaded");
    private static readonly Counter<long> Failures = Meter.CreateCounter<long>("daedalus.batch.failures", "{batch}", "Batch loads that failed");
    private static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>(
        "daedalus.batch.duration", "s", "Time to load one batch (COPY, merge, ledger) in its transaction",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });

    private static readonly Counter<long> ClaimCheckBytes = Meter.CreateCounter<long>("daedalus.claimcheck.bytes", "By", "Claim-check envelope bytes, before (form=envelope) and after (form=stored) compression");

    private static readonly Histogram<double> LoadStageDuration = Meter.CreateHistogram<double>(
        "daedalus.load.stage.duration", "s", "Time one batch load spent in a stage (stage=ledger, probe, copy, stage, wait (for the previous batch of the stream), merge, bookkeeping, commit, settle)",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });

    private static volatile QueueDepth? _queueDepth;
    private static volatile string _queueName = QueueOptions.DefaultName;
    private static volatile IReadOnlyList<SourceFreshness> _freshness = [];

    static DaedalusInstruments()
    {
        Meter.CreateObservableGauge("daedalus.queue.depth", ObserveQueueDepth, "{message}", "Messages waiting in the batch queue and its poison queue");
        Meter.CreateObservableGauge("daedalus.source.lag", ObserveSourceLag, "s", "How far each enabled source is past its expected next successful run");
    }

    public static void RecordLoad(string source, string stream, int loaded, int quarantined, TimeSpan duration)
    {
        var tags = new TagList { { "source", source }, { "stream", stream } };
        RowsLoaded.Add(loaded, tags);
        RowsQuarantined.Add(quarantined, tags);
        Batches.Add(1, tags);
        BatchDuration.Record(duration.TotalSeconds, tags);
    }

    /// <summary>Where a load's time went; <paramref name="started"/> is a <see cref="Stopwatch.GetTimestamp"/> value. Returns now, to chain stages.</summary>
    public static long RecordLoadStage(string stage, long started)
    {
        var now = Stopwatch.GetTimestamp();
        if (LoadStageDuration.Enabled)
        {
            LoadStageDuration.Record(Stopwatch.GetElapsedTime(started, now).TotalSeconds, new KeyValuePair<string, object?>("stage", stage));
        }

        return now;
    }

    public static void RecordClaimCheck(long envelopeBytes, long storedBytes)
    {
        ClaimCheckBytes.Add(envelopeBytes, new KeyValuePair<string, object?>("form", "envelope"));
        ClaimCheckBytes.Add(storedBytes, new KeyValuePair<string, object?>("form", "stored"));
    }

    public static void RecordFailure(string source, string stream) =>
        Failures.Add(1, new TagList { { "source", source }, { "stream", stream } });

    internal static void Observe(string queueName, QueueDepth? depth, IReadOnlyList<SourceFreshness> freshness)
    {
        _queueName = queueName;
        _queueDepth = depth;
        _freshness = freshness;
    }

    /// <summary>
    /// Label <c>queue</c> is the storage queue's real name (<c>daedalus-batches</c>, <c>daedalus-batches-poison</c>),
    /// as in the <c>daedalus_queue_depth</c> series in PostgreSQL; <c>role</c> (batches|poison) keeps a name-independent
    /// handle for alert rules.
    /// </summary>
    private static IEnumerable<Measurement<int>> ObserveQueueDepth()
    {
        if (_queueDepth is { } depth)
        {
            var name = _queueName;
            yield return new Measurement<int>(depth.Batches, new KeyValuePair<string, object?>("queue", name), new KeyValuePair<string, object?>("role", "batches"));
            yield return new Measurement<int>(depth.Poison, new KeyValuePair<string, object?>("queue", QueueOptions.PoisonNameOf(name)), new KeyValuePair<string, object?>("role", "poison"));
        }
    }

    private static IEnumerable<Measurement<double>> ObserveSourceLag() =>
        _freshness.Where(f => f.Enabled).Select(f => new Measurement<double>(f.LagSeconds, new KeyValuePair<string, object?>("source", f.Name)));
}
