using Daedalus.Application.Notifications;
using Daedalus.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Daedalus.Api;

/// <summary><c>/api/v1/notifications</c>: the global webhook channels, secret names only (<see cref="NotificationService"/>).</summary>
public static class NotificationsEndpoints
{
    public static RouteGroupBuilder MapNotificationsEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/notifications").WithTags("Notifications");
        group.MapGet("", GetAsync).WithName("GetNotifications").WithSummary("The global notification channels (webhook URLs are secret names)")
            .RequireScope(ApiScope.Read);
        group.MapPut("", ReplaceAsync).WithName("ReplaceNotifications").WithSummary("Replace the global notification channels")
            .Accepts<NotificationSettings>("application/json")
            .ProducesProblems(400, 413, 415, 422).RequireScope(ApiScope.Write);
        return group;
    }

    public static async Task<Ok<NotificationSettings>> GetAsync(NotificationService notifications, CancellationToken cancellationToken) =>
        TypedResults.Ok(await notifications.GetAsync(cancellationToken));

    public static async Task<Results<Ok<NotificationSettings>, ProblemHttpResult>> ReplaceAsync(
        JsonBody<NotificationSettings> body, ApiCaller caller, NotificationService notifications, CancellationToken cancellationToken)
    {
        if (body.Required() is { } unreadable)
        {
            return unreadable;
        }

        var result = await notifications.ReplaceAsync(body.Value!, caller.Actor, cancellationToken);
        return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result.Error);
    }
}
