using Daedalus.Scheduling;
using Microsoft.Azure.Functions.Worker;

namespace Daedalus.Functions;

/// <summary>Every minute: supervise runs, record queue depths, and enqueue one pull request per due source on the pull queue.</summary>
public sealed class SchedulerFunction(Scheduler scheduler)
{
    [Function("scheduler")]
    public Task Run([TimerTrigger("0 */1 * * * *")] TimerInfo timer, CancellationToken cancellationToken) => scheduler.TickAsync(cancellationToken);
}
