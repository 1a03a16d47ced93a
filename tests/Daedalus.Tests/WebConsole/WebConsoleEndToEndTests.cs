using System.Net;
using Daedalus.Pipeline;
using Daedalus.Queues;
using Daedalus.Runs;
using Daedalus.Security;
using Daedalus.Sources.Sample;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Daedalus.Tests.WebConsole;

/// <summary>
/// The web console in Debian's Chromium (console/e2e/console.e2e.mjs, playwright-core) against the real self-host
/// (`daedalus serve`: API, scheduler, pull and queue workers) on a real PostgreSQL and Azurite: sign in, a validation
/// error at its field, create a source, run it and watch it finish, cancel a slow run, reset a stream, replay a poisoned batch, disable
/// and delete. The database is checked afterwards, so a console that only looks right fails too.
/// Screenshots go to $DAEDALUS_CONSOLE_SCREENSHOTS when set (docs/images refreshes the docs), else to a temp directory.
/// </summary>
public sealed class WebConsoleEndToEndTests : IAsyncLifetime
{
    private CoreServices _core = null!;
    private Dictionary<string, string?> _settings = null!;

    public async Task InitializeAsync()
    {
        var queueName = AzuriteServer.UniqueQueueName("console");
        var storage = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = await AzuriteServer.ConnectionStringAsync(),
            ["Daedalus:Queue:Name"] = queueName,
            ["Daedalus:Queue:PullName"] = queueName + "-pulls",
            // The first failed delivery goes to poison: the test needs one poisoned batch, without retry delays.
            ["Daedalus:Queue:MaxDequeueCount"] = "1",
        };
        _core = await CoreServices.StartAsync("console", storage);
        _settings = await SelfHostInstance.SettingsAsync(_core.ConnectionString, _core.Directory, queueName);
        _settings["Daedalus:Queue:MaxDequeueCount"] = "1";
        _settings["Daedalus:Api:KeyCacheSeconds"] = "0";
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    [Fact]
    public async Task Console_in_chromium_creates_runs_resets_and_replays_against_serve()
    {
        await PoisonOneBatchOfShopAsync();
        // A source far bigger than what its pull reads before the browser cancels it (the cancel step).
        var big = SampleSourceDefinition.Create("big", 5_000_000, targetSchema: "big");
        big.Streams.RemoveAll(s => s.Name != "customers");
        big.Settings["maxGenerations"] = "0";
        big.Schedule = "0 0 3 * * *";
        // Disabled, so the scheduler leaves it alone (a new source is due at once); "Run now" still pulls it.
        big.Enabled = false;
        await _core.Get<SourceCatalog>().UpsertAsync(big, "test", CancellationToken.None);
        await using var host = await SelfHostInstance.StartAsync(_settings);
        var key = (await host.Services.GetRequiredService<ApiKeyStore>().CreateAsync("console-e2e", [ApiKeyStore.ReadScope, ApiKeyStore.WriteScope], CancellationToken.None)).Key;
        await Eventually.TrueAsync(async () => (await _core.Get<AzureBatchQueue>().GetDepthAsync(CancellationToken.None)).Poison == 1, TimeSpan.FromSeconds(60), "shop's batch in the poison queue");
        await ExecuteAsync("DROP TRIGGER refuse_shop ON daedalus.batches");

        await AssertConsoleIsServedAsync(host.BaseAddress);
        var (exitCode, output) = await ConsoleBrowser.RunAsync("e2e/console.e2e.mjs", host.BaseAddress, key);
        Assert.True(exitCode == 0, $"console e2e failed (exit {exitCode}):\n{output}");

        // What the browser did, as the database has it.
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM daedalus.sources WHERE name = 'orders'"));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM daedalus.runs WHERE source = 'orders' AND status = 'succeeded' AND rows_read = 400"));
        Assert.Equal(400L, await ScalarAsync<long>("SELECT (SELECT count(*) FROM orders.customers) + (SELECT count(*) FROM daedalus.quarantine WHERE source = 'orders')"));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM daedalus.audit_log WHERE action = 'poison.replay'"));
        Assert.True(await ScalarAsync<long>("SELECT count(*) FROM daedalus.audit_log WHERE action = 'cursor.reset' AND target = 'orders/customers' AND actor LIKE 'api:key:%'") == 1, "the stream reset is audited, once, as the key's");
        // The cancelled run: stopped early, audited, and what it enqueued loaded exactly.
        Assert.True(await ScalarAsync<long>("SELECT count(*) FROM daedalus.runs WHERE source = 'big' AND status = 'cancelled' AND rows_read < 5000000") >= 1, "a run of big ended cancelled, early");
        Assert.True(await ScalarAsync<long>("SELECT count(*) FROM daedalus.audit_log WHERE action = 'run.cancel' AND target LIKE 'big/%' AND actor LIKE 'api:key:%'") >= 1, "the cancel is audited as the key's");
        Assert.Equal(
            await ScalarAsync<long>("SELECT coalesce(sum(rows_read), 0)::bigint FROM daedalus.runs WHERE source = 'big' AND status = 'cancelled'"),
            await ScalarAsync<long>("SELECT coalesce(sum(b.rows), 0)::bigint FROM daedalus.batches b JOIN daedalus.runs r ON r.id = b.run_id WHERE r.source = 'big' AND r.status = 'cancelled'"));
        // The replayed batch is loaded by the worker.
        await Eventually.TrueAsync(async () => await ScalarAsync<long>("SELECT count(*) FROM daedalus.batches WHERE source = 'shop'") == 1, TimeSpan.FromSeconds(60), "the replayed batch of shop loaded");
        Assert.Equal(300L, await ScalarAsync<long>("SELECT (SELECT count(*) FROM shop.customers) + (SELECT count(*) FROM daedalus.quarantine WHERE source = 'shop')"));
    }

    /// <summary>The static files themselves: redirect to the slash, content types, CSP, 304 on a matching ETag, 404 for the rest.</summary>
    private static async Task AssertConsoleIsServedAsync(Uri baseAddress)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = baseAddress };
        using var redirect = await http.GetAsync("/api/console");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("console/", redirect.Headers.Location!.OriginalString);

        using var index = await http.GetAsync("/api/console/");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("text/html", index.Content.Headers.ContentType!.MediaType);
        Assert.Contains("default-src 'self'", index.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var html = await index.Content.ReadAsStringAsync();
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);

        using var script = await http.GetAsync("/api/console/console.js");
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/console/console.js");
        again.Headers.TryAddWithoutValidation("If-None-Match", script.Headers.ETag!.Tag);
        using var notModified = await http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var missing = await http.GetAsync("/api/console/../v1/sources");
        Assert.NotEqual(HttpStatusCode.OK, missing.StatusCode);
        using var unknown = await http.GetAsync("/api/console/nothing.js");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    /// <summary>Source shop: one batch of 300 customers enqueued while daedalus.batches refuses shop's rows, so the worker poisons it.</summary>
    private async Task PoisonOneBatchOfShopAsync()
    {
        await ExecuteAsync("""
            CREATE FUNCTION public.refuse_shop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'target database is read-only for maintenance'; END $$;
            CREATE TRIGGER refuse_shop BEFORE INSERT ON daedalus.batches FOR EACH ROW WHEN (NEW.source = 'shop') EXECUTE FUNCTION public.refuse_shop();
            """);
        var source = SampleSourceDefinition.Create("shop", 300, targetSchema: "shop");
        source.Streams.RemoveAll(s => s.Name != "customers");
        source.Settings["maxGenerations"] = "0";
        // Once a day at 03:00: the scheduler leaves it alone during the test.
        source.Schedule = "0 0 3 * * *";
        await _core.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);
        var summaries = await _core.Get<SyncRunner>().RunAsync(["shop"], _core.Get<QueueSink>(), "test", null, CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, Assert.Single(summaries).Status);
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        return await connection.ExecuteScalarAsync<T>(sql) ?? throw new InvalidOperationException("null: " + sql);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        await connection.ExecuteAsync(sql);
    }
}
