using Daedalus.Configuration;
using Daedalus.Pipeline;
using Daedalus.Runs;
using Daedalus.Security;
using Daedalus.Sources;
using Daedalus.Sources.QuickBooks;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Daedalus.Tests.Sources.Monday;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Daedalus.Tests.Sources.QuickBooks;

/// <summary>
/// The QuickBooks plugin through the real SyncRunner into a real PostgreSQL, against a fake QuickBooks on
/// 127.0.0.1: full, incremental and resumed pulls, CDC deletes, token rotation, every error shape, and the
/// rows compared with the typed fixtures.
/// </summary>
public sealed class QuickBooksSyncTests : IAsyncLifetime
{
    private const int InvoiceCount = 1_234;
    private const string Source = "qbo";
    private readonly CapturedLogs _logs = new();
    private FakeQuickBooksServer _server = null!;
    private CoreServices _core = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeQuickBooksServer.StartAsync(QboFixtures.Invoices(InvoiceCount));
        _core = await CoreServices.StartAsync(
            "quickbooks",
            new Dictionary<string, string?> { ["Daedalus:Sync:MaxBatchRows"] = "500" },
            services => services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(_logs)));
        var secrets = _core.Get<ISecretStore>();
        await secrets.SetAsync($"{Source}-client_id", FakeQuickBooksServer.ClientId, CancellationToken.None);
        await secrets.SetAsync($"{Source}-client_secret", FakeQuickBooksServer.ClientSecret, CancellationToken.None);
        await secrets.SetAsync($"{Source}-realm_id", FakeQuickBooksServer.Realm, CancellationToken.None);
        await secrets.SetAsync($"{Source}-refresh_token", _server.RefreshToken, CancellationToken.None);
        _server.StoredRefreshToken = () => secrets.GetAsync($"{Source}-refresh_token", CancellationToken.None).AsTask();
        await SaveSourceAsync(SyncMode.Incremental, ["invoice"]);
    }

    public async Task DisposeAsync()
    {
        await _core.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task First_sync_pages_through_every_invoice_and_lands_rows_that_match_the_fixtures()
    {
        var initialRefresh = _server.RefreshToken;

        var summary = await SyncOneAsync();

        Assert.Equal(RunStatus.Succeeded, summary.Status);
        Assert.Equal(InvoiceCount, summary.RowsRead);
        Assert.Equal(Expected("Invoice", _server.Entities), await ActualRowsAsync("Invoice"));

        var requests = _server.Requests;
        Assert.Equal(FakeQuickBooksServer.Token, requests[0].Kind);
        var queries = requests.Where(r => r.Kind == FakeQuickBooksServer.Query).ToList();
        Assert.Equal(3, queries.Count);
        Assert.StartsWith("SELECT * FROM Invoice ORDERBY Metadata.LastUpdatedTime STARTPOSITION 1 MAXRESULTS 500", queries[0].Query, StringComparison.Ordinal);
        Assert.All(queries.Skip(1), q => Assert.Contains("WHERE Metadata.LastUpdatedTime >= '", q.Query, StringComparison.Ordinal));
        Assert.All(requests.Where(r => r.Kind != FakeQuickBooksServer.Token), r =>
        {
            Assert.Equal("75", r.MinorVersion);
            Assert.Equal("application/json", r.Accept);
        });

        // Rotation: the new refresh token was in the store before the first API call was made.
        Assert.NotEqual(initialRefresh, _server.RefreshToken);
        Assert.Equal(_server.RefreshToken, await StoredRefreshTokenAsync());
        Assert.All(requests.Where(r => r.Kind != FakeQuickBooksServer.Token), r => Assert.Equal(_server.RefreshToken, r.StoredRefreshToken));
        Assert.DoesNotContain(requests, r => r.Kind == FakeQuickBooksServer.Cdc);
        AssertNoSecretsLogged();
    }

    [Fact]
    public async Task Incremental_sync_reads_from_the_watermark_and_turns_cdc_deletes_into_soft_deleted_rows()
    {
        var before = DateTimeOffset.UtcNow;
        await SyncOneAsync();
        var after = DateTimeOffset.UtcNow;
        var expected = new ExpectedQboRows("Invoice");
        expected.Apply(_server.Entities);
        var watermark = _server.Entities.Max(e => e.Updated);
        _server.Mutate(items =>
        {
            // Changes after a pass are stamped after it began (QuickBooks' clock), which is where CDC resumes.
            var t = WholeSecond(DateTimeOffset.UtcNow);
            for (var k = 0; k < 9; k++)
            {
                var i = (k * 97) + 5;
                items[i] = items[i] with { SyncToken = items[i].SyncToken + 1, Balance = 0m, RefName = "Paid In Full", Updated = t = t.AddSeconds(11) };
            }

            foreach (var i in new[] { 10, 400, 1200 })
            {
                items[i] = items[i] with { Deleted = true, Updated = t = t.AddSeconds(4) };
            }

            // Deleted before the first sync ever saw it: an id, a time and the mark.
            items.Add(QboFixtures.Invoice(InvoiceCount, t = t.AddSeconds(1)) with { Deleted = true });
            for (var k = 1; k <= 5; k++)
            {
                items.Add(QboFixtures.Invoice(InvoiceCount + k, t = t.AddSeconds(30)));
            }
        });
        _server.ClearRequests();

        var summary = await SyncOneAsync();

        Assert.Equal(RunStatus.Succeeded, summary.Status);
        var requests = _server.Requests;
        var query = Assert.Single(requests, r => r.Kind == FakeQuickBooksServer.Query);
        Assert.Contains($"WHERE Metadata.LastUpdatedTime >= '{QuickBooksApiClient.Format(watermark)}' ORDERBY Metadata.LastUpdatedTime STARTPOSITION 1 MAXRESULTS 500", query.Query, StringComparison.Ordinal);
        var cdc = Assert.Single(requests, r => r.Kind == FakeQuickBooksServer.Cdc);
        AssertCheckpoint(before, after, cdc.ChangedSince);
        Assert.Equal(_server.Entities.Count(e => !e.Deleted && e.Updated >= watermark) + 4, summary.RowsRead);
        expected.Apply(_server.Entities.Where(e => e.Updated > watermark));
        Assert.Equal(expected.Rows, await ActualRowsAsync("Invoice"));
        Assert.Equal(4, await CountAsync("invoice", "_daedalus_deleted_at IS NOT NULL"));

        // Nothing changed: only the rows at the watermark are read again, and they change nothing.
        var again = await SyncOneAsync();
        Assert.Equal(RunStatus.Succeeded, again.Status);
        Assert.Equal(expected.Rows, await ActualRowsAsync("Invoice"));
    }

    [Fact]
    public async Task Full_mode_rereads_everything_without_a_filter_and_asks_cdc_for_the_last_30_days_of_deletes()
    {
        await SaveSourceAsync(SyncMode.Full, ["invoice"]);
        Assert.Equal(InvoiceCount, (await SyncOneAsync()).RowsRead);
        var expected = new ExpectedQboRows("Invoice");
        expected.Apply(_server.Entities);
        _server.Mutate(items => items[3] = items[3] with { Deleted = true, Updated = items.Max(e => e.Updated).AddMinutes(1) });
        _server.ClearRequests();

        var second = await SyncOneAsync();

        Assert.Equal(RunStatus.Succeeded, second.Status);
        Assert.Equal(InvoiceCount, second.RowsRead);
        Assert.DoesNotContain("WHERE", _server.Requests.First(r => r.Kind == FakeQuickBooksServer.Query).Query, StringComparison.Ordinal);
        var since = DateTimeOffset.Parse(_server.Requests.First(r => r.Kind == FakeQuickBooksServer.Cdc).ChangedSince!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.UtcNow - since, TimeSpan.FromDays(29.9), TimeSpan.FromDays(30));
        expected.Apply(_server.Entities);
        Assert.Equal(expected.Rows, await ActualRowsAsync("Invoice"));
        Assert.Equal(1, await CountAsync("invoice", "_daedalus_deleted_at IS NOT NULL"));
    }

    [Fact]
    public async Task Every_stream_lands_its_typed_columns()
    {
        _server.Mutate(items =>
        {
            for (var i = 0; i < 12; i++)
            {
                var t = QboFixtures.At(i * 3);
                items.Add(QboFixtures.Customer(i, t));
                items.Add(QboFixtures.Payment(i, t.AddSeconds(1)));
                items.Add(QboFixtures.Bill(i, t.AddSeconds(2)));
                items.Add(QboFixtures.Account(i, t));
                items.Add(QboFixtures.Item(i, t));
            }
        });
        await SaveSourceAsync(SyncMode.Incremental, ["customer", "invoice", "payment", "bill", "account", "item"]);

        var summaries = await SyncAsync();

        Assert.All(summaries, s => Assert.Equal(RunStatus.Succeeded, s.Status));
        foreach (var entity in new[] { "Customer", "Invoice", "Payment", "Bill", "Account", "Item" })
        {
            Assert.Equal(Expected(entity, _server.Entities), await ActualRowsAsync(entity));
        }

        // One refresh serves every stream: the access token is cached until shortly before it expires.
        Assert.Single(_server.Requests, r => r.Kind == FakeQuickBooksServer.Token);
    }

    [Fact]
    public async Task Malformed_json_in_the_middle_keeps_the_stored_pages_and_the_next_run_resumes_from_the_watermark()
    {
        _server.Inject(FakeQboFault.Malformed(FakeQuickBooksServer.Query).After(2));

        var failed = await SyncOneAsync();

        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Contains("not valid JSON", failed.Error, StringComparison.Ordinal);
        Assert.Equal(500, await CountAsync("invoice"));
        var stored = QuickBooksCursor.Parse(await _core.Get<CursorStore>().GetAsync(Source, "invoice", CancellationToken.None))!;
        var ordered = _server.Entities.OrderBy(e => e.Updated).ThenBy(e => long.Parse(e.Id, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(ordered[499].Updated, stored.Watermark);
        _server.ClearRequests();

        var resumed = await SyncOneAsync();

        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        var first = _server.Requests.First(r => r.Kind == FakeQuickBooksServer.Query);
        Assert.Contains($">= '{QuickBooksApiClient.Format(ordered[499].Updated)}' ORDERBY Metadata.LastUpdatedTime STARTPOSITION 1 ", first.Query, StringComparison.Ordinal);
        Assert.Equal(Expected("Invoice", _server.Entities), await ActualRowsAsync("Invoice"));
    }

    [Fact]
    public async Task Throttling_beyond_the_bounded_wait_ends_the_pull_as_partial_and_the_next_run_resumes()
    {
        await SaveSourceAsync(SyncMode.Incremental, ["invoice"], maxWaitSeconds: 0);

        // No wait is allowed, and the HTTP client does not retry on its own: the first 429 ends the pull.
        // Pages are stored when the next one arrives, so a stop on the third page keeps the first.
        _server.Inject(FakeQboFault.Throttled(FakeQuickBooksServer.Query, retryAfterSeconds: 1, times: 1).After(2));

        var stopped = await SyncOneAsync();

        Assert.Equal(RunStatus.Partial, stopped.Status);
        Assert.Equal([200, 200, 429], _server.Requests.Where(r => r.Kind == FakeQuickBooksServer.Query).Select(q => q.Status));
        Assert.Contains("ThrottleExceeded", stopped.Error, StringComparison.Ordinal);
        Assert.Equal(500, await CountAsync("invoice"));
        Assert.NotNull(await _core.Get<CursorStore>().GetAsync(Source, "invoice", CancellationToken.None));

        var resumed = await SyncOneAsync();
        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        Assert.Equal(Expected("Invoice", _server.Entities), await ActualRowsAsync("Invoice"));
    }

    [Fact]
    public async Task Throttling_within_the_bounded_wait_is_waited_out_and_the_same_page_is_asked_again()
    {
        // Three Retry-After waits of 1 s add up to exactly the bounded 3 s: waited out, one attempt each, no hidden retries.
        await SaveSourceAsync(SyncMode.Incremental, ["invoice"], maxWaitSeconds: 3);
        _server.Inject(FakeQboFault.Throttled(FakeQuickBooksServer.Query, retryAfterSeconds: 1, times: 3).After(1));

        var summary = await SyncOneAsync();

        Assert.Equal(RunStatus.Succeeded, summary.Status);
        var queries = _server.Requests.Where(r => r.Kind == FakeQuickBooksServer.Query).ToList();
        Assert.Equal([200, 429, 429, 429, 200, 200], queries.Select(q => q.Status));
        Assert.Single(queries.Skip(1).Take(4).Select(q => q.Query).Distinct());
        Assert.Contains(_logs.Lines, l => l.Contains("QuickBooks is throttling (3001)", StringComparison.Ordinal));
        Assert.Equal(Expected("Invoice", _server.Entities), await ActualRowsAsync("Invoice"));
    }

    [Fact]
    public async Task An_expired_access_token_is_refreshed_once_and_the_request_retried()
    {
        await SyncOneAsync();
        _server.ExpireAccessTokens();
        _server.Mutate(items => items[7] = items[7] with { DocNumber = "renamed", Updated = items.Max(e => e.Updated).AddMinutes(1) });
        _server.ClearRequests();

        var summary = await SyncOneAsync();

        Assert.Equal(RunStatus.Succeeded, summary.Status);
        Assert.Equal(
            [(FakeQuickBooksServer.Query, 401), (FakeQuickBooksServer.Token, 200), (FakeQuickBooksServer.Query, 200), (FakeQuickBooksServer.Cdc, 200)],
            _server.Requests.Select(r => (r.Kind, r.Status)));
        Assert.Equal(_server.RefreshToken, await StoredRefreshTokenAsync());
        Assert.Equal(Expected("Invoice", _server.Entities), await ActualRowsAsync("Invoice"));
        AssertNoSecretsLogged();
    }

    [Fact]
    public async Task A_dead_refresh_token_fails_with_a_re_consent_message_that_names_the_secret_not_its_value()
    {
        var dead = _server.RefreshToken;
        _server.RevokeRefreshToken();

        var failed = await SyncOneAsync();

        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Contains("invalid_grant", failed.Error, StringComparison.Ordinal);
        Assert.Contains("re-consent", failed.Error, StringComparison.Ordinal);
        Assert.Contains($"'{Source}-refresh_token'", failed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(dead, failed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(_logs.Lines, l => l.Contains(dead, StringComparison.Ordinal));
        Assert.Equal(dead, await StoredRefreshTokenAsync());
        Assert.DoesNotContain(_server.Requests, r => r.Kind != FakeQuickBooksServer.Token);
    }

    public static TheoryData<string, string> Failures => new()
    {
        { "validation", "ValidationFault code 4000" },
        { "server", "SystemFault code 10000" },
        { "gateway-401-twice", "AUTHENTICATION code 3200" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Faults_in_either_casing_fail_the_stream_with_quickbooks_own_words(string shape, string words)
    {
        _server.Inject(shape switch
        {
            "validation" => FakeQboFault.Validation(FakeQuickBooksServer.Query),
            "server" => FakeQboFault.SystemFault(FakeQuickBooksServer.Query, times: 4),
            _ => new FakeQboFault(FakeQuickBooksServer.Query, 401, FakeQboFault.GatewayUnauthorized(FakeQuickBooksServer.Query).Body, times: 2),
        });

        var failed = await SyncOneAsync();

        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Contains(words, failed.Error, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync("invoice"));
        AssertNoSecretsLogged();
    }

    [Fact]
    public async Task A_quiet_entity_last_changed_40_days_ago_still_sees_a_delete_on_the_next_pull()
    {
        // Issue 11: the newest LastUpdatedTime is 40 days old, beyond CDC's 30-day reach; CDC must start from when
        // the previous pass began, not from the data.
        _server.Mutate(items =>
        {
            for (var i = 0; i < items.Count; i++)
            {
                items[i] = items[i] with { Created = items[i].Created.AddDays(-30), Updated = items[i].Updated.AddDays(-30) };
            }
        });
        Assert.True(_server.Entities.Max(e => e.Updated) < DateTimeOffset.UtcNow.AddDays(-39));
        var before = DateTimeOffset.UtcNow;
        Assert.Equal(RunStatus.Succeeded, (await SyncOneAsync()).Status);
        var after = DateTimeOffset.UtcNow;
        var expected = new ExpectedQboRows("Invoice");
        expected.Apply(_server.Entities);
        _server.Mutate(items => items[3] = items[3] with { Deleted = true, Updated = WholeSecond(DateTimeOffset.UtcNow) });
        _server.ClearRequests();

        var secondBefore = DateTimeOffset.UtcNow;
        var second = await SyncOneAsync();

        Assert.Equal(RunStatus.Succeeded, second.Status);
        var cdc = Assert.Single(_server.Requests, r => r.Kind == FakeQuickBooksServer.Cdc);
        AssertCheckpoint(before, after, cdc.ChangedSince);
        expected.Apply(_server.Entities);
        Assert.Equal(expected.Rows, await ActualRowsAsync("Invoice"));
        Assert.Equal(1, await CountAsync("invoice", "id = '1003' AND _daedalus_deleted_at IS NOT NULL"));
        Assert.Equal(1, await CountAsync("invoice", "_daedalus_deleted_at IS NOT NULL"));
        Assert.DoesNotContain(_logs.Lines, l => l.Contains("cannot be detected", StringComparison.Ordinal));

        // The watermark stays with the data; the checkpoint moves on with every pass.
        var stored = QuickBooksCursor.Parse(await _core.Get<CursorStore>().GetAsync(Source, "invoice", CancellationToken.None))!;
        Assert.Equal(_server.Entities.Where(e => !e.Deleted).Max(e => e.Updated), stored.Watermark);
        AssertCheckpoint(secondBefore, DateTimeOffset.UtcNow, QuickBooksApiClient.Format(stored.DeletesSince!.Value));
    }

    public static TheoryData<string> OldCursorShapes => new() { "json", "iso" };

    [Theory]
    [MemberData(nameof(OldCursorShapes))]
    public async Task A_cursor_from_before_cdc_checkpoints_asks_cdc_for_all_it_keeps_and_is_rewritten_with_a_checkpoint(string shape)
    {
        await SyncOneAsync();
        var expected = new ExpectedQboRows("Invoice");
        expected.Apply(_server.Entities);
        var watermark = _server.Entities.Max(e => e.Updated);

        // What earlier versions stored: {"watermark":…} after a pass, or an ISO timestamp set by hand.
        var text = watermark.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
        await _core.Get<CursorStore>().AdvanceAsync(Source, "invoice", shape == "json" ? $$"""{"watermark":"{{text}}"}""" : text, CancellationToken.None);

        // Deleted a minute before the watermark: CDC from the watermark (what earlier versions asked) would not
        // report it; CDC over all 30 days it keeps does.
        Assert.True(_server.Entities[7].Updated < watermark.AddMinutes(-1));
        _server.Mutate(items => items[7] = items[7] with { Deleted = true, Updated = watermark.AddMinutes(-1) });
        _server.ClearRequests();

        var summary = await SyncOneAsync();

        Assert.Equal(RunStatus.Succeeded, summary.Status);
        var query = _server.Requests.First(r => r.Kind == FakeQuickBooksServer.Query);
        Assert.Contains($"WHERE Metadata.LastUpdatedTime >= '{QuickBooksApiClient.Format(watermark)}'", query.Query, StringComparison.Ordinal);
        // Every fixture changed within 30 days, so CDC answers its 1,000-object maximum and is asked again.
        var cdc = _server.Requests.First(r => r.Kind == FakeQuickBooksServer.Cdc);
        var since = DateTimeOffset.Parse(cdc.ChangedSince!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.UtcNow - since, QuickBooksSourcePlugin.ChangeLookBack, TimeSpan.FromDays(30));
        Assert.Contains(_logs.Lines, l => l.Contains("has no CDC checkpoint", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Lines, l => l.Contains("cannot be detected", StringComparison.Ordinal));
        expected.Apply(_server.Entities);
        Assert.Equal(expected.Rows, await ActualRowsAsync("Invoice"));
        Assert.Equal(1, await CountAsync("invoice", "_daedalus_deleted_at IS NOT NULL"));
        var stored = QuickBooksCursor.Parse(await _core.Get<CursorStore>().GetAsync(Source, "invoice", CancellationToken.None))!;
        Assert.Equal(watermark, stored.Watermark);
        Assert.NotNull(stored.DeletesSince);
    }

    [Fact]
    public async Task An_old_cursor_past_the_cdc_window_still_asks_cdc_for_its_30_days_and_says_older_deletes_cannot_be_seen()
    {
        var old = DateTimeOffset.UtcNow.AddDays(-45);
        await SyncOneAsync();
        _server.Mutate(items => items[9] = items[9] with { Deleted = true, Updated = WholeSecond(DateTimeOffset.UtcNow.AddDays(-1)) });
        await _core.Get<CursorStore>().AdvanceAsync(Source, "invoice", $$"""{"watermark":"{{old:O}}"}""", CancellationToken.None);
        _server.ClearRequests();

        var summary = await SyncOneAsync();

        Assert.Equal(RunStatus.Succeeded, summary.Status);
        var cdc = _server.Requests.First(r => r.Kind == FakeQuickBooksServer.Cdc);
        Assert.InRange(DateTimeOffset.UtcNow - DateTimeOffset.Parse(cdc.ChangedSince!, System.Globalization.CultureInfo.InvariantCulture), QuickBooksSourcePlugin.ChangeLookBack, TimeSpan.FromDays(30));
        Assert.Contains(_logs.Lines, l => l.Contains("more than 30 days old and the cursor has no CDC checkpoint", StringComparison.Ordinal) && l.Contains("cannot be detected", StringComparison.Ordinal));
        Assert.Equal(1, await CountAsync("invoice", "id = '1009' AND _daedalus_deleted_at IS NOT NULL"));
    }

    [Fact]
    public async Task A_checkpoint_older_than_the_cdc_window_asks_for_what_cdc_still_has_and_warns_about_the_gap()
    {
        await SyncOneAsync();
        var watermark = _server.Entities.Max(e => e.Updated);

        // A 35-day outage: the last completed pass began before CDC's reach.
        var checkpoint = DateTimeOffset.UtcNow.AddDays(-35);
        await _core.Get<CursorStore>().AdvanceAsync(Source, "invoice", new QuickBooksCursor(watermark, checkpoint).ToJson(), CancellationToken.None);
        _server.Mutate(items => items[11] = items[11] with { Deleted = true, Updated = WholeSecond(DateTimeOffset.UtcNow.AddDays(-1)) });
        _server.ClearRequests();

        var summary = await SyncOneAsync();

        Assert.Equal(RunStatus.Succeeded, summary.Status);
        var cdc = _server.Requests.First(r => r.Kind == FakeQuickBooksServer.Cdc);
        Assert.All(_server.Requests, r => Assert.Equal(200, r.Status));
        Assert.InRange(DateTimeOffset.UtcNow - DateTimeOffset.Parse(cdc.ChangedSince!, System.Globalization.CultureInfo.InvariantCulture), QuickBooksSourcePlugin.ChangeLookBack, TimeSpan.FromDays(30));
        Assert.Contains(_logs.Lines, l => l.Contains("more than 30 days ago; CDC cannot look back that far", StringComparison.Ordinal) && l.Contains("cannot be detected", StringComparison.Ordinal));
        Assert.Equal(1, await CountAsync("invoice", "id = '1011' AND _daedalus_deleted_at IS NOT NULL"));
        var stored = QuickBooksCursor.Parse(await _core.Get<CursorStore>().GetAsync(Source, "invoice", CancellationToken.None))!;
        Assert.True(stored.DeletesSince > DateTimeOffset.UtcNow.AddHours(-1));
    }

    [Fact]
    public async Task A_full_cdc_answer_moves_the_window_forward_and_asks_again()
    {
        await SyncOneAsync();
        var expected = new ExpectedQboRows("Invoice");
        expected.Apply(_server.Entities);
        var watermark = _server.Entities.Max(e => e.Updated);
        _server.Mutate(items =>
        {
            var t = WholeSecond(DateTimeOffset.UtcNow);
            for (var i = 0; i < 1_100; i++)
            {
                items[i] = items[i] with { SyncToken = 9, Updated = t = t.AddSeconds(1), Deleted = i is 3 or 1_050 or 1_099 };
            }
        });
        _server.ClearRequests();

        var summary = await SyncOneAsync();

        Assert.Equal(RunStatus.Succeeded, summary.Status);
        var cdc = _server.Requests.Where(r => r.Kind == FakeQuickBooksServer.Cdc).ToList();
        Assert.Equal(2, cdc.Count);
        Assert.Contains(_logs.Lines, l => l.Contains("CDC returned its 1000-object maximum", StringComparison.Ordinal));
        expected.Apply(_server.Entities);
        Assert.Equal(expected.Rows, await ActualRowsAsync("Invoice"));
        Assert.Equal(3, await CountAsync("invoice", "_daedalus_deleted_at IS NOT NULL"));
    }

    /// <summary>The rows for entities that were never deleted (tests with deletes keep their own history).</summary>
    private static IReadOnlyList<string> Expected(string entity, IEnumerable<QboFixture> entities)
    {
        var expected = new ExpectedQboRows(entity);
        var list = entities.ToList();
        Assert.DoesNotContain(list, e => e.Deleted);
        expected.Apply(list);
        return expected.Rows;
    }

    /// <summary>A CDC start that is the previous pass's beginning (between <paramref name="before"/> and <paramref name="after"/> it) less the overlap; QuickBooks times have whole seconds.</summary>
    private static void AssertCheckpoint(DateTimeOffset before, DateTimeOffset after, string? changedSince)
    {
        var since = DateTimeOffset.Parse(changedSince!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(since, before - QuickBooksSourcePlugin.CheckpointOverlap - TimeSpan.FromSeconds(1), after - QuickBooksSourcePlugin.CheckpointOverlap);
    }

    private static DateTimeOffset WholeSecond(DateTimeOffset t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), t.Offset);

    private void AssertNoSecretsLogged()
    {
        foreach (var secret in _server.IssuedSecrets.Append(FakeQuickBooksServer.ClientSecret))
        {
            Assert.DoesNotContain(_logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_quickbooks_fault_that_echoes_the_token_and_realm_leaves_them_nowhere_in_the_run_error_the_api_or_the_logs()
    {
        // QuickBooks' Fault shape (AuthorizationFault, 403), repeating the Authorization header and the company id it received.
        _server.Inject(new FakeQboFault(
            FakeQuickBooksServer.Query,
            403,
            """{"Fault":{"Error":[{"Message":"message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403","Detail":"{{authorization}} may not read company {{realm}}\u0000","code":"3100"}],"type":"AuthorizationFault"},"time":"2026-10-01T09:12:44.117-07:00"}"""));

        var failed = await SyncOneAsync();

        Assert.Equal(RunStatus.Failed, failed.Status);
        var accessTokens = _server.IssuedAccessTokens;
        Assert.NotEmpty(accessTokens);
        await SecretEcho.AssertNowhereAsync(
            _core.ConnectionString,
            Source,
            [FakeQuickBooksServer.Realm, FakeQuickBooksServer.ClientSecret, .. accessTokens],
            _logs.Lines);
    }

    private Task<string?> StoredRefreshTokenAsync() => _core.Get<ISecretStore>().GetAsync($"{Source}-refresh_token", CancellationToken.None).AsTask();

    private async Task SaveSourceAsync(SyncMode mode, string[] streams, int maxWaitSeconds = 1)
    {
        var source = new SourceDefinition
        {
            Name = Source,
            Plugin = QuickBooksSourcePlugin.PluginName,
            Settings =
            {
                ["baseUrl"] = _server.Url.ToString(),
                ["tokenUrl"] = new Uri(_server.Url, "/oauth2/v1/tokens/bearer").ToString(),
                ["pageSize"] = "500",
                ["maxWaitSeconds"] = maxWaitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };
        foreach (var stream in streams)
        {
            source.Streams.Add(new StreamDefinition { Name = stream, Mode = mode, Target = new TargetTable { Schema = "quickbooks", Table = stream } });
        }

        Assert.Empty(new QuickBooksSourcePlugin().Validate(source));
        await _core.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);
    }

    private async Task<IReadOnlyList<StreamSummary>> SyncAsync() =>
        await _core.Get<SyncRunner>().RunAsync([Source], _core.Get<InProcessSink>(), "test", null, CancellationToken.None);

    private async Task<StreamSummary> SyncOneAsync() => Assert.Single(await SyncAsync());

    private async Task<long> CountAsync(string table, string? where = null)
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        await connection.OpenAsync();
        await using var exists = new NpgsqlCommand($"SELECT to_regclass('quickbooks.{table}') IS NOT NULL", connection);
        if (!(bool)(await exists.ExecuteScalarAsync())!)
        {
            return 0;
        }

        await using var command = new NpgsqlCommand($"SELECT count(*) FROM quickbooks.{table}{(where is null ? "" : " WHERE " + where)}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<IReadOnlyList<string>> ActualRowsAsync(string entity)
    {
        var columns = ExpectedQboRows.AllColumns(entity);
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT {string.Join(", ", columns.Select(c => c.Type == ColumnType.Json ? c.Name + "::text" : c.Name))}, _daedalus_deleted_at IS NOT NULL FROM quickbooks.{entity.ToLowerInvariant()}",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string Id, string Row)>();
        while (await reader.ReadAsync())
        {
            var values = new List<string>();
            for (var i = 0; i < columns.Length; i++)
            {
                values.Add(reader.IsDBNull(i) ? "∅" : columns[i].Type switch
                {
                    ColumnType.Date => ExpectedQboRows.Format(reader.GetFieldValue<DateOnly>(i)),
                    ColumnType.Timestamp => ExpectedQboRows.Format(reader.GetFieldValue<DateTimeOffset>(i)),
                    ColumnType.Decimal => ExpectedQboRows.Format(reader.GetDecimal(i)),
                    ColumnType.Boolean => ExpectedQboRows.Format(reader.GetBoolean(i)),
                    ColumnType.Json => ExpectedQboRows.Format(System.Text.Json.Nodes.JsonNode.Parse(reader.GetString(i))),
                    _ => reader.GetString(i),
                });
            }

            values.Add(reader.GetBoolean(columns.Length) ? "deleted" : "live");
            rows.Add((values[0], string.Join('|', values)));
        }

        return [.. rows.OrderBy(r => r.Id, StringComparer.Ordinal).Select(r => r.Row)];
    }
}
