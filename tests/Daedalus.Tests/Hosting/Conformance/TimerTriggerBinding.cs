using System.Globalization;
using System.Text.Json;
using Daedalus.Tests.Hosting.Conformance.Rpc;

namespace Daedalus.Tests.Hosting.Conformance;

/// <summary>
/// A timer tick as the Timer extension hands it to an isolated worker: the trigger parameter is its
/// <c>TimerInfo</c> serialized to JSON (<c>Schedule</c>, <c>ScheduleStatus</c> with <c>Last</c>/<c>Next</c>/
/// <c>LastUpdated</c>, <c>IsPastDue</c>), and the trigger metadata holds <c>TimerTrigger</c>, the firing time as text.
/// </summary>
public static class TimerTriggerBinding
{
    public static (ParameterBinding Input, Dictionary<string, TypedData> Metadata) Bind(RawBinding trigger, DateTimeOffset last, DateTimeOffset next, bool isPastDue)
    {
        var timerInfo = new Dictionary<string, object>
        {
            ["Schedule"] = new Dictionary<string, object> { ["AdjustForDST"] = true },
            ["ScheduleStatus"] = new Dictionary<string, object> { ["Last"] = last, ["Next"] = next, ["LastUpdated"] = last },
            ["IsPastDue"] = isPastDue,
        };
        var input = new ParameterBinding { Name = trigger.Name, Data = new TypedData { Json = JsonSerializer.Serialize(timerInfo) } };
        var metadata = new Dictionary<string, TypedData>
        {
            ["TimerTrigger"] = HostTypedData.Of(DateTime.Now.ToString(CultureInfo.InvariantCulture)),
        };
        return (input, metadata);
    }
}
