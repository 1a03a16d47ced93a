using Daedalus.Alerting;
using Daedalus.Client;
using Daedalus.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Api;

/// <summary><c>/api/v1/notifications</c>: the global webhook channels (secret names only, never URLs).</summary>
public static class NotificationsHandlers
{
    public static async Task<IResult> Get(HttpContext context, CancellationToken cancellationToken)
    {
        var channels = await context.RequestServices.GetRequiredService<NotificationSettingsStore>().GetAsync(cancellationToken);
        return Results.Json(new NotificationSettings { Channels = SourceSpecMapper.ToChannelSpecs(channels) }, DaedalusJson.Options);
    }

    /// <summary>Replaces the global channels (what <c>daedalus sources apply</c> sends from the file's <c>notifications:</c>).</summary>
    public static async Task<IResult> Replace(HttpContext context, CancellationToken cancellationToken)
    {
        var (settings, problem) = await ApiRequestBody.ReadAsync<NotificationSettings>(context, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new List<ConfigError>();
        var channels = SourceSpecMapper.ToChannels(settings!.Channels, "$.channels", errors);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors.GroupBy(e => e.Path).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()));
        }

        await context.RequestServices.GetRequiredService<NotificationSettingsStore>().ReplaceAsync(channels, ApiAuthorization.Actor(context), cancellationToken);
        return Results.Json(new NotificationSettings { Channels = SourceSpecMapper.ToChannelSpecs(channels) }, DaedalusJson.Options);
    }
}
