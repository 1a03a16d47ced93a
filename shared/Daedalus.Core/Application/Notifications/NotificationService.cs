using Daedalus.Alerting;
using Daedalus.Api;
using Daedalus.Application.Sources;
using Daedalus.Client;
using Daedalus.Configuration;

namespace Daedalus.Application.Notifications;

/// <summary>The global webhook channels (secret names only, never URLs).</summary>
public sealed class NotificationService
{
    private readonly NotificationSettingsStore _store;

    public NotificationService(NotificationSettingsStore store)
    {
        _store = store;
    }

    public async Task<NotificationSettings> GetAsync(CancellationToken cancellationToken) =>
        new() { Channels = SourceSpecMapper.ToChannelSpecs(await _store.GetAsync(cancellationToken)) };

    /// <summary>Replaces the global channels (what <c>daedalus sources apply</c> sends from the file's <c>notifications:</c>).</summary>
    public async Task<ServiceResult<NotificationSettings>> ReplaceAsync(NotificationSettings settings, string actor, CancellationToken cancellationToken)
    {
        var errors = new List<ConfigError>();
        var channels = SourceSpecMapper.ToChannels(settings.Channels, "$.channels", errors);
        if (errors.Count > 0)
        {
            return ServiceError.Invalid(SourceService.Group(errors), "The notification settings are invalid.");
        }

        await _store.ReplaceAsync(channels, actor, cancellationToken);
        return new NotificationSettings { Channels = SourceSpecMapper.ToChannelSpecs(channels) };
    }
}
