using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Daedalus.Runs;
using Daedalus.Sources.Sample;
using Daedalus.Storage;
using Daedalus.Telemetry;
using Daedalus.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Daedalus.Tests.Hosting;

/// <summary>
/// One scheduled run through the real self-host (Azurite queues, PostgreSQL): its events in order, its log lines with
/// their structured fields, and its spans as one trace from the scheduler to the merge.
/// </summary>
public sealed class PipelineObservabilityTests : IAsyncLifetime
{
    private CoreServices _core = null!;
    private Dictionary<string, string?> _settings = null!;

    public async Task InitializeAsync()
    {
        var queueName = AzuriteServer.UniqueQueueName("observe");
        _core = await CoreServices.StartAsync("observe", new Dictionary<string, string?> { ["AzureWebJobsStorage"] = await AzuriteServer.ConnectionStringAsync(), ["Daedalus:Queue:Name"] = queueName, ["Daedalus:Queue:PullName"] = queueName + "-pulls" });
        _settings = await SelfHostInstance.SettingsAsync(_core.ConnectionString, _core.Directory, queueName);
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    private sealed record LedgerRow(string BatchId, string Stream, int Sequence, int Rows, int Loaded, int Quarantined);

    [Fact]
    public async Task A_scheduled_run_records_its_events_in_order_logs_each_step_with_fields_and_is_one_trace_from_schedule_to_merge()
    {
        var source = SampleSourceDefinition.Create("observed", 2_500, "observed");
        source.Schedule = "*/2 * * * * *";
        source.Settings["invoicesPerCustomer"] = "1";
        source.Settings["maxGenerations"] = "0";
        await _core.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);

        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == DaedalusTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var logs = new LogCapture();
        Guid runId;
        await using (await SelfHostInstance.StartAsync(_settings, logs))
        {
            await Eventually.TrueAsync(async () => await FirstSucceededRunAsync() is not null, TimeSpan.FromSeconds(90), "a succeeded scheduled run");
            runId = (await FirstSucceededRunAsync())!.Value;
            // The run settles inside the last load; that load's log line and spans end just after.
            List<string> loadedBatches;
            await using (var count = new NpgsqlConnection(_core.ConnectionString))
            {
                loadedBatches = (await count.QueryAsync<string>("SELECT batch_id FROM daedalus.batches WHERE run_id = @runId", new { runId })).ToList();
            }

            // Every loaded batch has an ended ingest span (a redelivery under load may add a second one for the same batch).
            await Eventually.TrueAsync(
                () => Task.FromResult(loadedBatches.All(id => spans.Any(s => s.OperationName == DaedalusTracing.BatchIngestSpan && Equals(s.GetTagItem("daedalus.batch_id"), id)))),
                TimeSpan.FromSeconds(90),
                "every batch's ingest span ended");
        }

        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        var ledger = (await connection.QueryAsync<LedgerRow>("SELECT batch_id, stream, sequence, rows, loaded, quarantined FROM daedalus.batches WHERE run_id = @runId", new { runId })).ToList();
        Assert.True(ledger.Count >= 4, $"the run loaded {ledger.Count} batches; the test needs several per stream");

        // Events: in the order the steps happened.
        var events = await _core.Get<RunEventStore>().ListAsync(runId, 1000, CancellationToken.None);
        var kinds = events.Select(e => e.Kind).ToList();
        Assert.Equal(RunEventKinds.Queued, kinds[0]);
        Assert.Equal(RunEventKinds.PullStarted, kinds[1]);
        Assert.Equal(RunEventKinds.Finished, kinds[^1]);
        Assert.Equal("succeeded", Field(events[^1], "status"));
        Assert.Equal(ledger.Sum(b => b.Loaded), long.Parse(Field(events[^1], "rowsLoaded"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ledger.Select(b => b.BatchId).Order(), events.Where(e => e.Kind == RunEventKinds.BatchEnqueued).Select(e => e.BatchId!).Order());
        Assert.Equal(ledger.Select(b => b.BatchId).Order(), events.Where(e => e.Kind == RunEventKinds.BatchLoaded).Select(e => e.BatchId!).Order());
        foreach (var batch in ledger)
        {
            var enqueued = events.Single(e => e.Kind == RunEventKinds.BatchEnqueued && e.BatchId == batch.BatchId);
            var loaded = events.Single(e => e.Kind == RunEventKinds.BatchLoaded && e.BatchId == batch.BatchId);
            Assert.True(enqueued.Id < loaded.Id, $"batch {batch.BatchId} loaded before it was enqueued");
            Assert.Equal(batch.Loaded.ToString(System.Globalization.CultureInfo.InvariantCulture), Field(loaded, "loaded"));
            Assert.Equal(batch.Quarantined.ToString(System.Globalization.CultureInfo.InvariantCulture), Field(loaded, "quarantined"));
            Assert.Equal(batch.Stream, loaded.Stream);
        }

        var pullEnded = events.Single(e => e.Kind == RunEventKinds.PullEnded);
        Assert.All(events.Where(e => e.Kind is RunEventKinds.StreamPulled or RunEventKinds.BatchEnqueued), e => Assert.True(e.Id < pullEnded.Id, $"{e.Kind} after the pull ended"));
        Assert.Equal(["customers", "invoices"], events.Where(e => e.Kind == RunEventKinds.StreamPulled).Select(e => e.Stream!));
        Assert.All(events.Where(e => e.Kind == RunEventKinds.BatchLoaded), e => Assert.True(e.Id < events[^1].Id));

        // Log lines: one per pull, per batch enqueued and per batch loaded, with the fields named and the ledger's counts.
        var runLogs = logs.Entries.Where(e => e.Fields.TryGetValue("RunId", out var id) && Equals(id, runId)).ToList();
        Assert.Single(runLogs, e => e.EventId.Id == 1001 && Equals(e.Fields["Source"], "observed") && Equals(e.Fields["Trigger"], "schedule"));
        Assert.Single(runLogs, e => e.EventId.Id == 1002 && Equals(e.Fields["Source"], "observed"));
        foreach (var batch in ledger)
        {
            var enqueued = Assert.Single(runLogs, e => e.EventId.Id == 1003 && Equals(e.Fields["BatchId"], batch.BatchId));
            Assert.Equal(batch.Stream, enqueued.Fields["Stream"]);
            Assert.Equal(batch.Sequence, enqueued.Fields["Sequence"]);
            var loaded = Assert.Single(runLogs, e => e.EventId.Id == 1005 && Equals(e.Fields["BatchId"], batch.BatchId));
            Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Information, loaded.Level);
            Assert.Equal("observed", loaded.Fields["Source"]);
            Assert.Equal(batch.Stream, loaded.Fields["Stream"]);
            Assert.Equal(batch.Loaded, loaded.Fields["Loaded"]);
            Assert.Equal(batch.Rows, loaded.Fields["Rows"]);
            Assert.Equal(batch.Quarantined, loaded.Fields["Quarantined"]);
        }

        Assert.Equal(2, runLogs.Count(e => e.EventId.Id == 1004));

        // Spans: schedule -> pull request -> pull -> batch enqueue -> ingest -> merge, all in one trace, each the parent of the next.
        var runSpans = spans.Where(s => Equals(s.GetTagItem("daedalus.run_id"), runId.ToString())).ToList();
        var request = Assert.Single(runSpans, s => s.OperationName == DaedalusTracing.PullRequestSpan);
        var trace = request.TraceId;
        var schedule = Assert.Single(spans, s => s.OperationName == DaedalusTracing.ScheduleSpan && s.SpanId == request.ParentSpanId);
        Assert.Equal(trace, schedule.TraceId);
        var pull = Assert.Single(runSpans, s => s.OperationName == DaedalusTracing.PullSpan);
        Assert.Equal(trace, pull.TraceId);
        Assert.Equal(request.SpanId, pull.ParentSpanId);
        foreach (var batch in ledger)
        {
            bool Of(Activity s) => Equals(s.GetTagItem("daedalus.batch_id"), batch.BatchId);
            var enqueue = Assert.Single(runSpans, s => s.OperationName == DaedalusTracing.BatchEnqueueSpan && Of(s));
            Assert.Equal(pull.SpanId, enqueue.ParentSpanId);

            // At-least-once delivery: under load a batch's message can come back (its visibility ran out while the
            // first delivery was still working), so a batch may have more than one ingest span. Each is a child of
            // the batch's one enqueue span, each merge is a child of one of them, and the ledger and events above
            // already show the batch loaded once.
            var ingests = runSpans.Where(s => s.OperationName == DaedalusTracing.BatchIngestSpan && Of(s)).ToList();
            Assert.NotEmpty(ingests);
            Assert.All(ingests, ingest => Assert.Equal(enqueue.SpanId, ingest.ParentSpanId));
            var merges = runSpans.Where(s => s.OperationName == DaedalusTracing.BatchMergeSpan && Of(s)).ToList();
            Assert.NotEmpty(merges);
            Assert.All(merges, merge => Assert.Contains(ingests, ingest => ingest.SpanId == merge.ParentSpanId));
            Assert.All(ingests.Concat(merges).Append(enqueue), s => Assert.Equal(trace, s.TraceId));
        }
    }

    private async Task<Guid?> FirstSucceededRunAsync()
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        return await connection.ExecuteScalarAsync<Guid?>("SELECT id FROM daedalus.runs WHERE source = 'observed' AND status = 'succeeded' ORDER BY started_at LIMIT 1");
    }

    private static string Field(RunEvent e, string name)
    {
        using var document = JsonDocument.Parse(e.Detail);
        var value = document.RootElement.GetProperty(name);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
    }
}
