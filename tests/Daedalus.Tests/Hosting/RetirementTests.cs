using Daedalus.Alerting;
using Daedalus.Configuration;
using Daedalus.Scheduling;
using Daedalus.Sources.Sample;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Daedalus.Tests.Hosting;

/// <summary>A source's retirement time: from YAML to the scheduler, the status listing and the notification outbox, on real PostgreSQL.</summary>
public sealed class RetirementTests : IAsyncLifetime
{
    private CoreServices _core = null!;

    public async Task InitializeAsync()
    {
        var queueName = AzuriteServer.UniqueQueueName("retire");
        _core = await CoreServices.StartAsync("retire", new Dictionary<string, string?> { ["AzureWebJobsStorage"] = await AzuriteServer.ConnectionStringAsync(), ["Daedalus:Queue:Name"] = queueName, ["Daedalus:Queue:PullName"] = queueName + "-pulls" });
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    private async Task ApplyAsync(string name, DateTimeOffset? retireAt)
    {
        var source = SampleSourceDefinition.Create(name, 10, name);
        source.Schedule = "* * * * * *";
        source.RetireAt = retireAt;
        source.Notifications = [new NotificationChannelDefinition { Name = "ops", Url = "ops-webhook", Events = [NotificationKinds.SourceRetired] }];
        await _core.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);
    }

    [Fact]
    public async Task Past_its_retirement_time_a_source_is_not_pulled_is_marked_retired_once_notified_once_and_listed_in_status()
    {
        var now = DateTimeOffset.UtcNow;
        await ApplyAsync("leaving", now.AddMinutes(-1));
        await ApplyAsync("staying", now.AddDays(3));
        var scheduler = _core.Get<Scheduler>();

        var first = await scheduler.ClaimDueAsync(now, CancellationToken.None);
        var second = await scheduler.ClaimDueAsync(now.AddSeconds(1), CancellationToken.None);

        Assert.Equal(["staying"], first.Select(d => d.Source.Name));
        Assert.Equal(["staying"], second.Select(d => d.Source.Name));
        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        Assert.NotNull(await connection.ExecuteScalarAsync<DateTime?>("SELECT retired_at FROM daedalus.sources WHERE name = 'leaving'"));
        Assert.Null(await connection.ExecuteScalarAsync<DateTime?>("SELECT retired_at FROM daedalus.sources WHERE name = 'staying'"));
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM daedalus.audit_log WHERE action = 'source.retire' AND target = 'leaving'"));
        var notification = Assert.Single(await connection.QueryAsync<(string Kind, string Source, string Channel)>("SELECT kind, source, channel FROM daedalus.notification_outbox"));
        Assert.Equal((NotificationKinds.SourceRetired, "leaving", "leaving/ops"), notification);

        var retirements = await _core.Get<SourceRetirementReader>().ReadAsync(CancellationToken.None);
        Assert.Equal(["leaving", "staying"], retirements.Select(r => r.Source));
        Assert.NotNull(retirements[0].RetiredAt);
        Assert.Null(retirements[1].RetiredAt);
        Assert.Equal(now.AddDays(3).ToUnixTimeSeconds(), retirements[1].RetireAt.ToUnixTimeSeconds());

        // Moving the retirement time to the future brings the source back.
        await ApplyAsync("leaving", now.AddDays(1));
        var after = await scheduler.ClaimDueAsync(now.AddSeconds(2), CancellationToken.None);
        Assert.Contains(after, d => d.Source.Name == "leaving");
        Assert.Null(await connection.ExecuteScalarAsync<DateTime?>("SELECT retired_at FROM daedalus.sources WHERE name = 'leaving'"));
    }

    [Fact]
    public void RetireAt_is_read_from_yaml_as_an_instant_written_back_and_refused_without_an_offset()
    {
        var yaml = """
            version: 1
            sources:
              old:
                plugin: sample
                retireAt: 2027-01-31T12:00:00+01:00
                streams:
                  customers:
                    mode: incremental
                    target: { schema: old, table: customers }
            """;
        var path = Path.Combine(_core.Directory, "retire.yaml");
        File.WriteAllText(path, yaml);
        var source = Assert.Single(_core.Get<ConfigLoader>().Load(path));
        Assert.Equal(new DateTimeOffset(2027, 1, 31, 11, 0, 0, TimeSpan.Zero), source.RetireAt);
        Assert.Contains("retireAt: 2027-01-31T11:00:00Z", ConfigWriter.Write([source]), StringComparison.Ordinal);

        File.WriteAllText(path, yaml.Replace("2027-01-31T12:00:00+01:00", "2027-01-31 12:00", StringComparison.Ordinal));
        var error = Assert.Throws<ConfigException>(() => _core.Get<ConfigLoader>().Load(path));
        Assert.Contains(error.Errors, e => e.Path == "sources.old.retireAt");
    }
}
