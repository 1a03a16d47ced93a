using Daedalus.Scheduling;
using Microsoft.Azure.Functions.Worker;

namespace Daedalus.Functions;

/// <summary>Every minute: pull the due sources onto the batch queue.</summary>
public sealed class SchedulerFunction(Scheduler scheduler)
{
    [Function("scheduler")]
    public Task Run([TimerTrigger("0 */1 * * * *")] TimerInfo timer, CancellationToken cancellationToken) => scheduler.TickAsync(cancellationToken);
}
