using System.Diagnostics;

namespace Daedalus.Telemetry;

/// <summary>
/// The pipeline's spans (ActivitySource <c>Daedalus</c>). One run is one trace: the scheduler tick or API call that
/// queues the pull, the pull, each batch enqueued, and each batch's ingest and merge. The trace context crosses the
/// queues as a W3C <c>traceparent</c> field in the pull request and in the batch envelope, so a pull or an ingest on
/// another instance (or another host) continues the trace of the step that sent it.
/// </summary>
public static class DaedalusTracing
{
    public const string SourceName = "Daedalus";

    public static readonly ActivitySource Source = new(SourceName, "1.0");

    /// <summary>Span names, one per step.</summary>
    public const string ScheduleSpan = "daedalus.schedule";
    public const string PullRequestSpan = "daedalus.pull.request";
    public const string PullSpan = "daedalus.pull";
    public const string BatchEnqueueSpan = "daedalus.batch.enqueue";
    public const string BatchIngestSpan = "daedalus.batch.ingest";
    public const string BatchMergeSpan = "daedalus.batch.merge";

    /// <summary>The current span as a W3C traceparent (<c>00-{trace}-{span}-{flags}</c>), to travel in a message; null when nothing is traced.</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>
    /// Starts the span of a step that received a message: its parent is the message's <paramref name="traceParent"/>
    /// when it has a valid one (else the ambient span, e.g. the Functions invocation).
    /// </summary>
    public static Activity? StartConsumer(string name, string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent)
            ? Source.StartActivity(name, ActivityKind.Consumer, parent)
            : Source.StartActivity(name, ActivityKind.Consumer);
}
