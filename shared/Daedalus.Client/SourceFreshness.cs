using System.Text.Json.Serialization;
using Daedalus.Runs;

namespace Daedalus.Client;

/// <summary>
/// How fresh a source is: <c>state</c> is fresh, stale (a scheduled run is overdue), never (no successful run
/// yet) or disabled. <c>lagSeconds</c> is how long past its expected next run the source is (0 when on time).
/// </summary>
public sealed record SourceFreshness(
    string Name,
    bool Enabled,
    string Schedule,
    string State,
    DateTimeOffset? LastSuccessAt,
    [property: JsonConverter(typeof(RunStatusJsonConverter))] RunStatus? LastRunStatus,
    DateTimeOffset? LastRunAt,
    DateTimeOffset? NextExpectedAt,
    double LagSeconds);
