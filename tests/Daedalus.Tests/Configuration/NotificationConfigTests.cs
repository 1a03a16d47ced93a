using Daedalus.Alerting;
using Daedalus.Configuration;
using Daedalus.Sources;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Tests.Configuration;

/// <summary>The <c>notifications:</c> sections of daedalus.yaml: global and per source, errors with file and line.</summary>
public sealed class NotificationConfigTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"daedalus-notify-{Guid.NewGuid():N}.yaml");
    private readonly ConfigLoader _loader = new(new SourceDefinitionValidator(
        new ServiceCollection().AddLogging().AddSourcePlugins().BuildServiceProvider().GetRequiredService<SourcePluginRegistry>()));

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void Reads_global_and_per_source_channels()
    {
        File.WriteAllText(_path, """
            version: 1
            notifications:
              ops:
                format: slack
                url: slack-ops-webhook
                events: [run_failed, anomaly]
            sources:
              sample:
                plugin: sample
                notifications:
                  owners: { format: teams, url: teams-sales-webhook }
                streams:
                  customers: { target: { schema: sample, table: customers } }
            """);

        var config = _loader.LoadConfig(_path, null, new System.Collections.Hashtable());

        var ops = Assert.Single(config.Notifications);
        Assert.Equal(("ops", WebhookFormats.Slack, "slack-ops-webhook"), (ops.Name, ops.Format, ops.Url));
        Assert.Equal([NotificationKinds.RunFailed, NotificationKinds.Anomaly], ops.Events);
        var owners = Assert.Single(Assert.Single(config.Sources).Notifications);
        Assert.Equal(("owners", WebhookFormats.Teams, "teams-sales-webhook"), (owners.Name, owners.Format, owners.Url));
        Assert.True(owners.Accepts(NotificationKinds.Recovered));
    }

    [Fact]
    public void Refuses_a_webhook_url_in_place_of_a_secret_name_an_unknown_format_and_an_unknown_event_with_file_and_line()
    {
        File.WriteAllText(_path, """
            version: 1
            notifications:
              ops:
                format: pager
                url: https://hooks.slack.com/services/T000/B000/XXXXSECRET
                events: [run_exploded]
            sources:
              sample:
                plugin: sample
                streams:
                  customers: { target: { schema: sample, table: customers } }
            """);

        var errors = Assert.Throws<ConfigException>(() => _loader.LoadConfig(_path, null, new System.Collections.Hashtable())).Errors.Select(e => e.ToString()).ToList();

        Assert.Contains(errors, e => e == $"{_path}:4: notifications.ops.format: 'pager' is not a webhook format (generic, teams, slack)");
        Assert.Contains(errors, e => e.StartsWith($"{_path}:5: notifications.ops.url: must be the name of a secret", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith($"{_path}:6: notifications.ops.events[0]: 'run_exploded' is not an event", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("XXXXSECRET", StringComparison.Ordinal));
    }
}
