using System.Diagnostics.CodeAnalysis;

namespace Daedalus.Runs;

/// <summary>
/// The one mapping between <see cref="RunStatus"/> and the names the database, the API and the console use
/// (<c>queued</c>, <c>running</c>, ...). Parsing is exact: numbers, other casing and unknown names are refused.
/// </summary>
public static class RunStatuses
{
    private static readonly Dictionary<RunStatus, string> Names = new()
    {
        [RunStatus.Queued] = "queued",
        [RunStatus.Running] = "running",
        [RunStatus.Loading] = "loading",
        [RunStatus.Succeeded] = "succeeded",
        [RunStatus.Partial] = "partial",
        [RunStatus.Failed] = "failed",
        [RunStatus.Skipped] = "skipped",
        [RunStatus.Cancelled] = "cancelled",
    };

    private static readonly Dictionary<string, RunStatus> Values = Names.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    /// <summary>Every name, in declaration order, for messages.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Enum.GetValues<RunStatus>().Select(s => Names[s])];

    public static string Name(this RunStatus status) => Names[status];

    public static bool TryParse(string? name, [NotNullWhen(true)] out RunStatus? status)
    {
        if (name is not null && Values.TryGetValue(name, out var value))
        {
            status = value;
            return true;
        }

        status = null;
        return false;
    }

    /// <exception cref="FormatException">Not a run status name; the message lists the names.</exception>
    public static RunStatus Parse(string name) => TryParse(name, out var status)
        ? status.Value
        : throw new FormatException($"'{name}' is not a run status ({string.Join(", ", All)})");

    /// <summary>True for a run that has ended (succeeded, partial, failed, skipped, cancelled).</summary>
    public static bool IsFinished(this RunStatus status) => status is not (RunStatus.Queued or RunStatus.Running or RunStatus.Loading);
}
