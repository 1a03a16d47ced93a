using System.Text.Json;
using Daedalus.Runs;

namespace Daedalus.Tests.Runs;

/// <summary>Run statuses are a closed set with one name mapping: the lower-case names the database, API and console use today.</summary>
public sealed class RunStatusesTests
{
    [Fact]
    public void Every_status_has_its_lower_case_wire_name_and_parses_back()
    {
        Assert.Equal(["queued", "running", "loading", "succeeded", "partial", "failed", "skipped", "cancelled"], RunStatuses.All);
        foreach (var status in Enum.GetValues<RunStatus>())
        {
            Assert.True(RunStatuses.TryParse(status.Name(), out var parsed));
            Assert.Equal(status, parsed);
            Assert.Equal($"\"{status.Name()}\"", JsonSerializer.Serialize(status));
            Assert.Equal(status, JsonSerializer.Deserialize<RunStatus>($"\"{status.Name()}\""));
        }
    }

    [Theory]
    [InlineData("Running")]
    [InlineData("RUNNING")]
    [InlineData("1")]
    [InlineData("")]
    [InlineData(" running")]
    [InlineData("done")]
    public void Anything_else_is_refused(string name)
    {
        Assert.False(RunStatuses.TryParse(name, out _));
        var error = Assert.Throws<FormatException>(() => RunStatuses.Parse(name));
        Assert.Contains("queued, running, loading, succeeded, partial, failed, skipped, cancelled", error.Message, StringComparison.Ordinal);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<RunStatus>(JsonSerializer.Serialize(name)));
    }

    [Fact]
    public void A_number_in_json_is_refused() => Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<RunStatus>("3"));

    [Fact]
    public void Only_queued_running_and_loading_are_unfinished() =>
        Assert.Equal([RunStatus.Queued, RunStatus.Running, RunStatus.Loading], Enum.GetValues<RunStatus>().Where(s => !s.IsFinished()));
}
