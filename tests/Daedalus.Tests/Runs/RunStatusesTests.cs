using System.Text.Json;
using Daedalus.Client;
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

    [Fact]
    public void The_api_types_carry_the_status_by_its_exact_wire_name_under_the_api_serializer_options()
    {
        var at = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var run = new RunInfo(Guid.Empty, "shop", "api", RunStatus.Cancelled, at, at, 0, 0, 0, 0, 0, 0, null);
        var json = JsonSerializer.Serialize(run, DaedalusJson.Options);
        Assert.Contains("\"status\":\"cancelled\"", json, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Cancelled, JsonSerializer.Deserialize<RunInfo>(json, DaedalusJson.Options)!.Status);
        // The options' own enum converter reads any casing; the status property does not.
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<RunInfo>(json.Replace("\"cancelled\"", "\"Cancelled\"", StringComparison.Ordinal), DaedalusJson.Options));

        var fresh = new SourceFreshness("shop", true, "0 * * * *", "fresh", at, RunStatus.Partial, at, null, 0);
        var freshJson = JsonSerializer.Serialize(fresh, DaedalusJson.Options);
        Assert.Contains("\"lastRunStatus\":\"partial\"", freshJson, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Partial, JsonSerializer.Deserialize<SourceFreshness>(freshJson, DaedalusJson.Options)!.LastRunStatus);
        var never = JsonSerializer.Serialize(fresh with { LastRunStatus = null }, DaedalusJson.Options);
        Assert.DoesNotContain("\"lastRunStatus\":\"", never, StringComparison.Ordinal);
        Assert.Null(JsonSerializer.Deserialize<SourceFreshness>(never, DaedalusJson.Options)!.LastRunStatus);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<SourceFreshness>(freshJson.Replace("\"partial\"", "\"PARTIAL\"", StringComparison.Ordinal), DaedalusJson.Options));
    }
}
