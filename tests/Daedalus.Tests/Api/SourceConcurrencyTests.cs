using System.Net;
using Daedalus.Api;
using Daedalus.Client;
using Daedalus.Sources.Sample;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Api;

/// <summary>
/// Concurrent writers on one source over HTTP against a real PostgreSQL: a PATCH never loses a PUT's settings, a PATCH
/// never resurrects a deleted source, and If-Match turns a stale write into a 412 that changes nothing.
/// </summary>
public sealed class SourceConcurrencyTests : IAsyncLifetime
{
    private const int Rounds = 60;
    private ApiServer _server = null!;
    private DaedalusClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync("api_concurrency");
        _client = _server.Client(_server.WriteKey);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static SourceSpec Sample(string name, long customers) =>
        SourceSpecMapper.ToSpec(SampleSourceDefinition.Create(name, customers)) with { Name = null, Enabled = false };

    [Fact]
    public async Task Patch_racing_put_keeps_the_put_settings_in_every_round()
    {
        var lost = new List<int>();
        for (var round = 0; round < Rounds; round++)
        {
            var name = $"race_put_{round}";
            await _client.ReplaceSourceAsync(name, Sample(name, 100));
            var put = _client.ReplaceSourceAsync(name, Sample(name, 7_000 + round));
            var patch = _client.PatchSourceAsync(name, new SourcePatch { Enabled = true });
            await Task.WhenAll(put, patch);

            var stored = await _client.GetSourceAsync(name);
            if (stored.Settings!["customers"] != (7_000 + round).ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                lost.Add(round);
            }
        }

        Assert.True(lost.Count == 0, $"the PUT's settings were lost in {lost.Count} of {Rounds} rounds: {string.Join(", ", lost)}");
    }

    [Fact]
    public async Task Patch_racing_delete_never_resurrects_the_source()
    {
        var resurrected = new List<int>();
        for (var round = 0; round < Rounds; round++)
        {
            var name = $"race_delete_{round}";
            await _client.ReplaceSourceAsync(name, Sample(name, 100));
            var delete = _client.DeleteSourceAsync(name);
            var patch = Task.Run(async () =>
            {
                try
                {
                    await _client.PatchSourceAsync(name, new SourcePatch { Enabled = true });
                }
                catch (DaedalusApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
                {
                    // Lost the race to the DELETE: the right answer.
                }
            });
            await Task.WhenAll(delete, patch);

            if (await _server.ScalarAsync<long>($"SELECT count(*) FROM daedalus.sources WHERE name = '{name}'") != 0)
            {
                resurrected.Add(round);
            }
        }

        Assert.True(resurrected.Count == 0, $"DELETE answered 204 but the source exists afterwards in {resurrected.Count} of {Rounds} rounds: {string.Join(", ", resurrected)}");
    }

    [Fact]
    public async Task Etags_change_with_every_write_and_a_stale_if_match_is_412_and_changes_nothing()
    {
        var created = await _client.ReplaceSourceAsync("tagged", Sample("tagged", 100), ifMatch: null);
        Assert.NotNull(created.ETag);
        var read = await _client.GetSourceVersionedAsync("tagged");
        Assert.Equal(created.ETag, read.ETag);

        var patched = await _client.PatchSourceAsync("tagged", new SourcePatch { Enabled = true }, read.ETag);
        Assert.NotEqual(read.ETag, patched.ETag);
        Assert.True(patched.Value.Enabled);

        var before = await _server.ScalarAsync<string>("SELECT definition::text || version FROM daedalus.sources WHERE name = 'tagged'");
        foreach (var write in new Func<Task>[]
        {
            () => _client.ReplaceSourceAsync("tagged", Sample("tagged", 5), read.ETag),
            () => _client.PatchSourceAsync("tagged", new SourcePatch { Enabled = false }, read.ETag),
            () => _client.DeleteSourceAsync("tagged", read.ETag),
            () => _client.PatchSourceAsync("tagged", new SourcePatch { Enabled = false }, "W/" + patched.ETag),
        })
        {
            var stale = await Assert.ThrowsAsync<DaedalusApiException>(write);
            Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
            Assert.Equal(412, stale.Problem.Status);
        }

        Assert.Equal(before, await _server.ScalarAsync<string>("SELECT definition::text || version FROM daedalus.sources WHERE name = 'tagged'"));

        // "*" matches any existing version, and only an existing source.
        var replaced = await _client.ReplaceSourceAsync("tagged", Sample("tagged", 9), "*");
        Assert.Equal("9", replaced.Value.Settings!["customers"]);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await Assert.ThrowsAsync<DaedalusApiException>(() => _client.ReplaceSourceAsync("absent", Sample("absent", 1), "*"))).StatusCode);
        Assert.Equal(0L, await _server.ScalarAsync<long>("SELECT count(*) FROM daedalus.sources WHERE name = 'absent'"));

        await _client.DeleteSourceAsync("tagged", replaced.ETag);
        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<DaedalusApiException>(() => _client.PatchSourceAsync("tagged", new SourcePatch { Enabled = true }))).StatusCode);
    }
}
