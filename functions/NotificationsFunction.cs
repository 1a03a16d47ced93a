using Daedalus.Alerting;
using Microsoft.Azure.Functions.Worker;

namespace Daedalus.Functions;

/// <summary>Every 30 seconds: report stale sources and deliver due notifications (docs/alerting.md).</summary>
public sealed class NotificationsFunction(NotificationDispatcher dispatcher)
{
    [Function("notifications")]
    public Task Run([TimerTrigger("*/30 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) => dispatcher.TickAsync(cancellationToken);
}
