using Daedalus.Configuration;
using Daedalus.Scheduling;

namespace Daedalus.Tests.Hosting;

public sealed class ScheduleSlotsTests
{
    private static NCrontab.CrontabSchedule Every15Minutes()
    {
        Assert.True(SourceDefinitionValidator.TryParseSchedule("0 */15 * * * *", out var schedule));
        return schedule!;
    }

    private static DateTimeOffset At(string utc) => DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void A_source_never_claimed_is_due_now_to_the_second() =>
        Assert.Equal(At("2025-03-01T10:07:31Z"), ScheduleSlots.Due(Every15Minutes(), null, At("2025-03-01T10:07:31.900Z")));

    [Fact]
    public void Nothing_is_due_before_the_next_occurrence() =>
        Assert.Null(ScheduleSlots.Due(Every15Minutes(), At("2025-03-01T10:00:00Z"), At("2025-03-01T10:14:59Z")));

    [Fact]
    public void A_slot_at_exactly_now_is_due() =>
        Assert.Equal(At("2025-03-01T10:15:00Z"), ScheduleSlots.Due(Every15Minutes(), At("2025-03-01T10:00:00Z"), At("2025-03-01T10:15:00Z")));

    [Fact]
    public void Missed_slots_coalesce_into_the_latest() =>
        Assert.Equal(At("2025-03-01T13:45:00Z"), ScheduleSlots.Due(Every15Minutes(), At("2025-03-01T10:00:00Z"), At("2025-03-01T13:52:00Z")));

    [Fact]
    public void A_claimed_slot_is_not_due_again() =>
        Assert.Null(ScheduleSlots.Due(Every15Minutes(), At("2025-03-01T10:15:00Z"), At("2025-03-01T10:15:00.500Z")));
}
