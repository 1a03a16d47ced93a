using Daedalus.Configuration;
using Daedalus.Pipeline;
using Daedalus.Runs;
using Daedalus.Sources;
using Daedalus.Sources.Rest;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Tests.Sources.Rest;

/// <summary>
/// <c>maxWaitSeconds</c> bounds the retry waits of a whole pull, not of each API client: two streams of one source,
/// both throttled with Retry-After after their first pages, through the real SyncRunner. Measured by the waits the
/// clock was asked for (an instant clock) and by the 429s the loopback API served, never by wall-clock time.
/// </summary>
public sealed class PullRetryBudgetTests : IAsyncLifetime
{
    private const string Source = "budget";
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly InstantClock _clock = new();
    private FakeRestApi _api = null!;
    private CoreServices _core = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeRestApi.StartAsync();
        _api.PageSize = 100;
        for (var i = 1; i <= 450; i++)
        {
            _api.Widgets.Add(new FakeWidget(i, $"widget {i}", "1.50", Start.AddMinutes(i), AmountIsText: false));
        }

        _core = await CoreServices.StartAsync("retrybudget", new Dictionary<string, string?> { ["Daedalus:Sync:MaxBatchRows"] = "100" }, configure: services => services.AddSingleton<TimeProvider>(_clock));
    }

    public async Task DisposeAsync()
    {
        await _core.DisposeAsync();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Retry_waits_of_every_stream_and_page_of_one_pull_add_up_to_at_most_maxWaitSeconds()
    {
        // Each stream alone could wait 2 + 2 s within 5 s; the pull as a whole may not wait more than 5 s.
        var source = new SourceDefinition { Name = Source, Plugin = RestSourcePlugin.PluginName, Settings = { ["baseUrl"] = _api.Url.ToString(), ["maxWaitSeconds"] = "5" } };
        source.Streams.Add(Stream("first", "json_link", "data", "json_link"));
        source.Streams.Add(Stream("second", "cursor", "items", "cursor"));
        Assert.Empty(_core.Get<SourceDefinitionValidator>().Validate(source, "sources.budget"));
        await _core.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);
        const string Throttled = """{"message":"API rate limit exceeded"}""";
        _api.Inject(new FakeRestFault("/v1/json_link", 429, Throttled, After: 2, Times: 1000, RetryAfterSeconds: 2));
        _api.Inject(new FakeRestFault("/v1/cursor", 429, Throttled, After: 2, Times: 1000, RetryAfterSeconds: 2));

        var summaries = await _core.Get<SyncRunner>().RunAsync([Source], _core.Get<InProcessSink>(), "test", null, CancellationToken.None);

        // first: 429, wait 2 s, 429, wait 2 s, 429 (a third 2 s would make 6 s): 3 refusals, 4 s waited.
        // second: its first 429 finds 4 s of the pull's 5 s spent, so it does not wait at all: 1 refusal.
        var throttled = _api.Requests.Where(r => r.Status == 429).ToList();
        Assert.Equal(3, throttled.Count(r => r.Path.StartsWith("/v1/json_link", StringComparison.Ordinal)));
        Assert.Equal(1, throttled.Count(r => r.Path.StartsWith("/v1/cursor", StringComparison.Ordinal)));
        // What the pull slept, apart from the run's heartbeat timer (which shares the clock): the two granted retries.
        var retryWaits = _clock.Sleeps.Where(s => s != RunStore.HeartbeatInterval).ToList();
        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)], retryWaits);
        Assert.True(retryWaits.Aggregate(TimeSpan.Zero, (a, b) => a + b) <= TimeSpan.FromSeconds(5));

        // Both streams end early as rate limited, keeping the cursor of what they stored; neither failed.
        Assert.Equal(2, summaries.Count);
        Assert.All(summaries, s =>
        {
            Assert.Equal(RunStatus.Partial, s.Status);
            Assert.Contains("rate limited", s.Error, StringComparison.Ordinal);
        });
        Assert.NotNull(await _core.Get<CursorStore>().GetAsync(Source, "first", CancellationToken.None));
        Assert.NotNull(await _core.Get<CursorStore>().GetAsync(Source, "second", CancellationToken.None));
    }

    private static StreamDefinition Stream(string name, string endpoint, string records, string paginator) => new()
    {
        Name = name,
        Mode = SyncMode.Incremental,
        PrimaryKey = ["id"],
        Cursor = "updatedat",
        Target = new TargetTable { Schema = "rest", Table = name },
        Settings =
        {
            ["path"] = $"/v1/{endpoint}",
            ["records"] = records,
            ["paginator.type"] = paginator,
            ["paginator.nextUrlPath"] = "next",
            ["paginator.cursorPath"] = "meta.next_cursor",
            ["incremental.param"] = "updated_since",
            ["incremental.format"] = "iso8601",
            ["columns.id"] = "integer",
            ["columns.amount"] = "decimal",
            ["columns.updatedat"] = "timestamp",
        },
    };
}
