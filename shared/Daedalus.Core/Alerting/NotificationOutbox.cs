using System.Text.Json;
using Daedalus.Storage;
using Dapper;
using Npgsql;

namespace Daedalus.Alerting;

/// <summary>
/// Where the pipeline reports events: one insert per interested channel (the global ones, plus the source's own),
/// never a network call. A second report of the same event key finds its rows and adds nothing.
/// </summary>
public sealed class NotificationOutbox
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly SourceCatalog _catalog;
    private readonly NotificationSettingsStore _settings;

    public NotificationOutbox(NpgsqlDataSource dataSource, SourceCatalog catalog, NotificationSettingsStore settings)
    {
        _dataSource = dataSource;
        _catalog = catalog;
        _settings = settings;
    }

    /// <summary>Queues the event for every channel that wants its kind; returns how many new notifications that made.</summary>
    public async Task<int> EnqueueAsync(NotificationEvent notification, CancellationToken cancellationToken)
    {
        // A source's own channel is named "{source}/{channel}" in the outbox so it never collides with a global one.
        var channels = (await _settings.GetAsync(cancellationToken)).Select(c => (Name: c.Name, Channel: c)).ToList();
        if (notification.Source is { } name && await _catalog.GetAsync(name, cancellationToken) is { } source)
        {
            channels.AddRange(source.Notifications.Select(c => (Name: $"{source.Name}/{c.Name}", Channel: c)));
        }

        var wanted = channels.Where(c => c.Channel.Accepts(notification.Kind)).ToList();
        if (wanted.Count == 0)
        {
            return 0;
        }

        var json = JsonSerializer.Serialize(notification, SourceCatalog.Json);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var added = 0;
        foreach (var (channelName, channel) in wanted)
        {
            added += await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO daedalus.notification_outbox (event_key, channel, format, url_secret, kind, source, event)
                VALUES (@Key, @channel, @format, @url, @Kind, @Source, @json::jsonb)
                ON CONFLICT (event_key, channel) DO NOTHING
                """,
                new { notification.Key, channel = channelName, format = channel.Format, url = channel.Url, notification.Kind, notification.Source, json },
                cancellationToken: cancellationToken));
        }

        return added;
    }
}
