using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Daedalus.Alerting;
using Daedalus.Pipeline;
using Daedalus.Runs;
using Daedalus.Security;
using Daedalus.Sources.Sample;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace Daedalus.Tests.Alerting;

/// <summary>
/// Webhook notifications end to end on a real PostgreSQL: pipeline events go to the outbox, the dispatcher posts
/// them to a loopback receiver in the generic, Teams and Slack shapes, retries 5xx and timeouts with backoff,
/// sends each event once, and a dead receiver never holds up a sync.
/// </summary>
public sealed class NotificationDeliveryTests : IAsyncLifetime
{
    private const double InitialBackoff = 0.3;
    private const double Timeout = 1;
    private readonly ITestOutputHelper _output;
    private CoreServices _core = null!;
    private WebhookReceiver _receiver = null!;

    public NotificationDeliveryTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _core = await CoreServices.StartAsync("alerts", new Dictionary<string, string?>
        {
            ["Daedalus:Notifications:InitialBackoffSeconds"] = InitialBackoff.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Daedalus:Notifications:TimeoutSeconds"] = Timeout.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Daedalus:Notifications:MaxAttempts"] = "5",
            ["Daedalus:Notifications:DispatchIntervalSeconds"] = "0.1",
        });
    }

    public async Task DisposeAsync()
    {
        await _core.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private async Task ChannelsAsync(params (string Name, string Format, string Url, string[] Events)[] channels)
    {
        foreach (var (name, _, url, _) in channels)
        {
            await _core.Get<ISecretStore>().SetAsync($"{name}-webhook", url, CancellationToken.None);
        }

        await _core.Get<NotificationSettingsStore>().ReplaceAsync(
            channels.Select(c => new NotificationChannelDefinition { Name = c.Name, Format = c.Format, Url = $"{c.Name}-webhook", Events = [.. c.Events] }).ToList(),
            "test",
            CancellationToken.None);
    }

    /// <summary>A sample pull; into a target schema that is not a valid identifier, every stream fails.</summary>
    private async Task<IReadOnlyList<StreamSummary>> SyncAsync(bool broken)
    {
        var source = SampleSourceDefinition.Create("sample", 500, broken ? "Not Valid" : "sample");
        await _core.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);
        return await _core.Get<SyncRunner>().RunAsync(["sample"], _core.Get<InProcessSink>(), "test", null, CancellationToken.None);
    }

    /// <summary>Dispatches until nothing is pending (or the deadline passes); returns how many were delivered.</summary>
    private async Task DrainAsync(NotificationDispatcher? dispatcher = null, double seconds = 15)
    {
        dispatcher ??= _core.Get<NotificationDispatcher>();
        var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            await dispatcher.DispatchDueAsync(CancellationToken.None);
            if (await ScalarAsync<long>("SELECT count(*) FROM daedalus.notification_outbox WHERE delivered_at IS NULL AND abandoned_at IS NULL") == 0)
            {
                return;
            }

            await Task.Delay(50);
        }
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        return (await connection.ExecuteScalarAsync<T>(sql))!;
    }

    private static JsonElement Json(WebhookRequest request) => JsonDocument.Parse(request.Body).RootElement;

    [Fact]
    public async Task A_failed_run_and_its_recovery_reach_generic_Teams_and_Slack_receivers_in_their_shapes()
    {
        await ChannelsAsync(
            ("generic", WebhookFormats.Generic, _receiver.Url("generic"), []),
            ("teams", WebhookFormats.Teams, _receiver.Url("teams"), [NotificationKinds.RunFailed]),
            ("slack", WebhookFormats.Slack, _receiver.Url("slack"), [NotificationKinds.RunFailed, NotificationKinds.Recovered]));

        var failed = await SyncAsync(broken: true);
        Assert.All(failed, s => Assert.Equal(RunStatus.Failed, s.Status));
        Assert.Empty(_receiver.Requests); // the pipeline only wrote the outbox
        await DrainAsync();

        var generic = Json(Assert.Single(_receiver.For("generic")));
        Assert.Equal(GenericWebhookPayload.Type, generic.GetProperty("type").GetString());
        Assert.Equal(NotificationKinds.RunFailed, generic.GetProperty("kind").GetString());
        Assert.Equal("sample", generic.GetProperty("source").GetString());
        Assert.Equal($"run_failed:{failed[0].RunId}", generic.GetProperty("key").GetString());
        Assert.Contains(generic.GetProperty("facts").EnumerateArray(), f => f.GetProperty("name").GetString() == "Status" && f.GetProperty("value").GetString() == "failed");

        var teams = Json(Assert.Single(_receiver.For("teams")));
        Assert.Equal("message", teams.GetProperty("type").GetString());
        var attachment = Assert.Single(teams.GetProperty("attachments").EnumerateArray().ToList());
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
        var card = attachment.GetProperty("content");
        Assert.Equal("AdaptiveCard", card.GetProperty("type").GetString());
        Assert.Equal("1.4", card.GetProperty("version").GetString());
        Assert.Equal("Daedalus: sample run failed", card.GetProperty("body")[0].GetProperty("text").GetString());
        Assert.Contains(card.GetProperty("body").EnumerateArray(), b => b.GetProperty("type").GetString() == "FactSet");

        var slack = Json(Assert.Single(_receiver.For("slack")));
        Assert.StartsWith("Daedalus: sample run failed", slack.GetProperty("text").GetString());
        var blocks = slack.GetProperty("blocks");
        Assert.Equal("header", blocks[0].GetProperty("type").GetString());
        Assert.Equal("plain_text", blocks[0].GetProperty("text").GetProperty("type").GetString());
        Assert.Equal("mrkdwn", blocks[1].GetProperty("text").GetProperty("type").GetString());
        Assert.All(_receiver.Requests, r => Assert.StartsWith("application/json", r.ContentType));

        var recovered = await SyncAsync(broken: false);
        Assert.All(recovered, s => Assert.Equal(RunStatus.Succeeded, s.Status));
        await DrainAsync();

        Assert.Equal([NotificationKinds.RunFailed, NotificationKinds.Recovered], _receiver.For("generic").Select(r => Json(r).GetProperty("kind").GetString()));
        Assert.Equal(2, _receiver.For("slack").Count);
        Assert.Single(_receiver.For("teams")); // subscribed to run_failed only
    }

    [Fact]
    public async Task Retries_a_500_and_a_timeout_with_growing_backoff_then_delivers_once()
    {
        await ChannelsAsync(("flaky", WebhookFormats.Generic, _receiver.Url("flaky"), []));
        _receiver.Script("flaky", 500, WebhookReceiver.Hang, 503);

        await _core.Get<PipelineAlerts>().BatchPoisonedAsync("msg-1", "batch-1", "sample", "customers", "unknown envelope version 9", CancellationToken.None);
        await DrainAsync();

        var requests = _receiver.For("flaky");
        Assert.Equal(4, requests.Count);
        Assert.All(requests, r => Assert.Equal("poison:msg-1", r.IdempotencyKey));
        var gaps = requests.Zip(requests.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a.ArrivedAt, b.ArrivedAt).TotalSeconds).ToList();
        _output.WriteLine($"gaps between attempts: {string.Join(", ", gaps.Select(g => g.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)))} s");
        Assert.True(gaps[0] >= InitialBackoff, $"second attempt after {gaps[0]} s");
        Assert.True(gaps[1] >= Timeout + (2 * InitialBackoff), $"third attempt after {gaps[1]} s: timeout then 2x backoff");
        Assert.True(gaps[2] >= 4 * InitialBackoff, $"fourth attempt after {gaps[2]} s");
        Assert.Equal(4, await ScalarAsync<int>("SELECT attempts FROM daedalus.notification_outbox WHERE delivered_at IS NOT NULL"));

        await _core.Get<NotificationDispatcher>().DispatchDueAsync(CancellationToken.None);
        Assert.Equal(4, _receiver.For("flaky").Count);
    }

    [Fact]
    public async Task One_event_is_one_notification_across_repeated_reports_concurrent_dispatchers_and_a_restart()
    {
        await ChannelsAsync(("once", WebhookFormats.Slack, _receiver.Url("once"), []));
        _receiver.Script("once", 500);
        var alerts = _core.Get<PipelineAlerts>();

        await alerts.BatchPoisonedAsync("msg-2", "batch-2", "sample", "invoices", "claim-check blob missing", CancellationToken.None);
        await alerts.BatchPoisonedAsync("msg-2", "batch-2", "sample", "invoices", "claim-check blob missing", CancellationToken.None);
        Assert.Equal(1, await ScalarAsync<long>("SELECT count(*) FROM daedalus.notification_outbox"));

        // First dispatcher gets the 500 and is then gone ("restart"): its state is all in the table.
        await _core.Get<NotificationDispatcher>().DispatchDueAsync(CancellationToken.None);
        Assert.Single(_receiver.For("once"));
        await Task.Delay(TimeSpan.FromSeconds(InitialBackoff * 1.3));

        // Two fresh dispatchers race for the retry; the lease lets one of them send it.
        var a = ActivatorUtilities.CreateInstance<NotificationDispatcher>(_core.Provider);
        var b = ActivatorUtilities.CreateInstance<NotificationDispatcher>(_core.Provider);
        var delivered = await Task.WhenAll(a.DispatchDueAsync(CancellationToken.None), b.DispatchDueAsync(CancellationToken.None));
        Assert.Equal(1, delivered.Sum());

        await alerts.BatchPoisonedAsync("msg-2", "batch-2", "sample", "invoices", "claim-check blob missing", CancellationToken.None);
        await DrainAsync(ActivatorUtilities.CreateInstance<NotificationDispatcher>(_core.Provider), seconds: 1);
        Assert.Equal(2, _receiver.For("once").Count); // the 500, then exactly one delivery
    }

    [Fact]
    public async Task A_hanging_or_closed_receiver_never_holds_up_a_sync()
    {
        int closedPort;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        _receiver.Script("hang", Enumerable.Repeat(WebhookReceiver.Hang, 10).ToArray());

        // A dispatcher whose requests hang for a minute, running beside the pipeline as in `daedalus serve`.
        var slow = new Dictionary<string, string?> { ["Daedalus:Notifications:TimeoutSeconds"] = "60", ["Daedalus:Notifications:DispatchIntervalSeconds"] = "0.1" };
        await using var host = await CoreServices.StartAsync("alertsdead", slow);
        await host.Get<ISecretStore>().SetAsync("hang-webhook", _receiver.Url("hang"), CancellationToken.None);
        await host.Get<ISecretStore>().SetAsync("closed-webhook", $"http://127.0.0.1:{closedPort}/hook", CancellationToken.None);
        await host.Get<NotificationSettingsStore>().ReplaceAsync(
            [new NotificationChannelDefinition { Name = "hang", Format = WebhookFormats.Teams, Url = "hang-webhook" }, new NotificationChannelDefinition { Name = "closed", Url = "closed-webhook" }],
            "test",
            CancellationToken.None);
        var loop = ActivatorUtilities.CreateInstance<NotificationLoop>(host.Provider);
        await loop.StartAsync(CancellationToken.None);
        try
        {
            await host.Get<SourceCatalog>().UpsertAsync(SampleSourceDefinition.Create("sample", 500, "Not Valid"), "test", CancellationToken.None);
            var runner = host.Get<SyncRunner>();
            var failed = await runner.RunAsync(["sample"], host.Get<InProcessSink>(), "test", null, CancellationToken.None);
            Assert.Equal(RunStatus.Failed, failed[0].Status);
            await Eventually.TrueAsync(() => Task.FromResult(_receiver.InFlight > 0), TimeSpan.FromSeconds(10), "the run_failed notification reaching the hanging receiver");

            // The run_failed notification is hanging in the receiver; a sync now must neither wait for it nor fail.
            await host.Get<SourceCatalog>().UpsertAsync(SampleSourceDefinition.Create("sample", 500), "test", CancellationToken.None);
            var started = Stopwatch.GetTimestamp();
            var recovered = await runner.RunAsync(["sample"], host.Get<InProcessSink>(), "test", null, CancellationToken.None);
            var took = Stopwatch.GetElapsedTime(started);

            Assert.All(recovered, s => Assert.Equal(RunStatus.Succeeded, s.Status));
            Assert.True(_receiver.InFlight > 0, "the receiver is still holding the notification's request");
            await using var connection = new NpgsqlConnection(host.ConnectionString);
            Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM daedalus.notification_outbox WHERE kind = 'recovered'"));
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM daedalus.notification_outbox WHERE delivered_at IS NOT NULL"));
            await Eventually.TrueAsync(
                async () => await connection.ExecuteScalarAsync<string?>("SELECT last_error FROM daedalus.notification_outbox WHERE channel = 'closed' AND kind = 'run_failed'") is { } error && error.StartsWith("request failed", StringComparison.Ordinal),
                TimeSpan.FromSeconds(10),
                "the closed port's failed attempt recorded");
            _output.WriteLine($"sync with a hanging and a closed receiver: {took.TotalSeconds:0.000} s");
        }
        finally
        {
            await loop.StopAsync(CancellationToken.None);
        }
    }
    [Fact]
    public async Task A_run_that_reads_a_hundred_times_the_usual_rows_is_flagged_stored_shown_and_notified()
    {
        await ChannelsAsync(("anomalies", WebhookFormats.Generic, _receiver.Url("anomalies"), [NotificationKinds.Anomaly]));
        await using (var connection = new NpgsqlConnection(_core.ConnectionString))
        {
            // Two weeks of daily succeeded runs in which customers read about 5 rows.
            for (var day = 14; day >= 1; day--)
            {
                var id = Guid.NewGuid();
                var at = DateTime.UtcNow.AddDays(-day);
                await connection.ExecuteAsync("INSERT INTO daedalus.runs (id, source, trigger, status, started_at, finished_at) VALUES (@id, 'sample', 'test', 'succeeded', @at, @at)", new { id, at });
                await connection.ExecuteAsync(
                    "INSERT INTO daedalus.run_stream_metrics (run_id, source, stream, status, started_at, rows, quarantine_rate, duration_seconds) VALUES (@id, 'sample', 'customers', 'succeeded', @at, @rows, 0, 0.2)",
                    new { id, at, rows = 4 + (day % 3) });
            }
        }

        var summaries = await SyncAsync(broken: false);
        var runId = summaries[0].RunId;

        var anomalies = await _core.Get<Daedalus.Anomalies.RunAnomalyStore>().ForRunsAsync([runId], CancellationToken.None);
        var rows = Assert.Single(anomalies, a => a.Metric == "rows");
        Assert.Equal("customers", rows.Stream);
        Assert.Equal(500, rows.Value);
        Assert.InRange(rows.Expected, 4, 6);
        Assert.True(rows.Score > Daedalus.Anomalies.AnomalyDetector.Threshold);
        Assert.DoesNotContain(anomalies, a => a.Stream == "invoices"); // no history, no verdict
        Assert.Contains(await _core.Get<Daedalus.Anomalies.RunAnomalyStore>().CurrentAsync(CancellationToken.None), a => a.RunId == runId && a.Metric == "rows");

        await DrainAsync();
        var notification = Json(Assert.Single(_receiver.For("anomalies")));
        Assert.Equal(NotificationKinds.Anomaly, notification.GetProperty("kind").GetString());
        Assert.Contains("customers rows 500 (usual", notification.GetProperty("text").GetString());
    }
}
