namespace Daedalus.Tests.Infrastructure;

/// <summary>
/// Every test shares one Azurite, so a process given storage must name both its queues: one left at its default
/// (<c>daedalus-pulls</c>) is consumed by every other such process, whose workers take this test's pull requests and
/// poison them as "source not configured" (CI's conformance failure on 2026-12-01).
/// </summary>
public static class SharedAzuriteQueues
{
    /// <summary>Throws unless settings whose <c>AzureWebJobsStorage</c> is <paramref name="shared"/> (default: the shared Azurite) also name <c>Daedalus:Queue:Name</c> and <c>Daedalus:Queue:PullName</c> (either spelling).</summary>
    public static void Require<TValue>(IEnumerable<KeyValuePair<string, TValue>> settings, string? shared = null)
    {
        var given = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in settings.Where(s => s.Value is not null))
        {
            given[key.Replace("__", ":", StringComparison.Ordinal)] = value?.ToString();
        }

        shared ??= AzuriteServer.Started;
        if (shared is null || !given.TryGetValue("AzureWebJobsStorage", out var storage) || storage != shared)
        {
            return;
        }

        var missing = new[] { "Daedalus:Queue:Name", "Daedalus:Queue:PullName" }.Where(k => !given.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"a test process on the shared Azurite must name its own queues; missing {string.Join(", ", missing)}");
        }
    }
}
