using Daedalus.Pipeline;
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
/// The web console's accessibility and its answer to a stale write, in Debian's Chromium (console/e2e/a11y.e2e.mjs)
/// against the real self-host: axe-core's WCAG 2.1 A/AA rules (contrast, labels, names, landmarks) on every page and
/// on a form showing errors, keyboard reach and visible focus, and a Disable refused with 412 after a concurrent change,
/// explained, then done after Reload. The database is checked afterwards.
/// </summary>
public sealed class WebConsoleAccessibilityTests : IAsyncLifetime
{
    private CoreServices _core = null!;
    private Dictionary<string, string?> _settings = null!;

    public async Task InitializeAsync()
    {
        var queueName = AzuriteServer.UniqueQueueName("a11y");
        _core = await CoreServices.StartAsync("a11y", new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = await AzuriteServer.ConnectionStringAsync(),
            ["Daedalus:Queue:Name"] = queueName,
            ["Daedalus:Queue:PullName"] = queueName + "-pulls",
        });
        _settings = await SelfHostInstance.SettingsAsync(_core.ConnectionString, _core.Directory, queueName);
        _settings["Daedalus:Api:KeyCacheSeconds"] = "0";
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    [Fact]
    public async Task Every_console_page_passes_axe_wcag_aa_is_keyboard_usable_and_explains_a_stale_write()
    {
        var source = SampleSourceDefinition.Create("shop", 200, targetSchema: "shop");
        source.Settings["maxGenerations"] = "0";
        // Once a day at 03:00: the scheduler leaves it alone during the test.
        source.Schedule = "0 0 3 * * *";
        await _core.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);
        var summaries = await _core.Get<SyncRunner>().RunAsync(["shop"], _core.Get<InProcessSink>(), "test", null, CancellationToken.None);
        Assert.All(summaries, s => Assert.Equal(RunStatus.Succeeded, s.Status));

        await using var host = await SelfHostInstance.StartAsync(_settings);
        var key = (await host.Services.GetRequiredService<ApiKeyStore>().CreateAsync("console-a11y", [ApiKeyStore.ReadScope, ApiKeyStore.WriteScope], CancellationToken.None)).Key;

        var (exitCode, output) = await ConsoleBrowser.RunAsync("e2e/a11y.e2e.mjs", host.BaseAddress, key);
        Assert.True(exitCode == 0, $"console accessibility e2e failed (exit {exitCode}):\n{output}");

        // The concurrent change and the write after Reload both landed; the stale one did not overwrite anything.
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        var (enabled, schedule) = await connection.QuerySingleAsync<(bool, string)>("SELECT enabled, definition->>'schedule' FROM daedalus.sources WHERE name = 'shop'");
        Assert.False(enabled);
        Assert.Equal("0 30 3 * * *", schedule);
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM daedalus.sources WHERE name = 'a11y'"));
    }
}
