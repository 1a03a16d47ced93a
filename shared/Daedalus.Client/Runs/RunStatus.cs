namespace Daedalus.Runs;

/// <summary>
/// What a run is or ended as (<c>daedalus.runs.status</c>, the API's run <c>status</c>). The wire and database names
/// are lower case (<see cref="RunStatuses"/>); the column stays text.
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(RunStatusJsonConverter))]
public enum RunStatus
{
    Queued,
    Running,
    Loading,
    Succeeded,
    Partial,
    Failed,
    Skipped,
    Cancelled,
}
