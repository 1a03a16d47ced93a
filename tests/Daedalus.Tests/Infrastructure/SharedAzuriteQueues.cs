namespace Daedalus.Tests.Infrastructure;

/// <summary>
/// Every test shares one Azurite, so a process given storage must name both its queues: one left at its default
/// (<c>daedalus-pulls</c>) is consumed by every other such process, whose workers take this test's pull requests and
/// poison them as "source not configured" (CI's conformance failure on 2026-12-01).
/// </summary>
public static class SharedAzuriteQueues
{
    /// <summary>Throws unless settings that give <c>AzureWebJobsStorage</c> also name <c>Daedalus:Queue:Name</c> and <c>Daedalus:Queue:PullName</c> (either spelling).</summary>
    public static void Require<TValue>(IEnumerable<KeyValuePair<string, TValue>> settings)
    {
        var keys = settings.Where(s => s.Value is not null).Select(s => s.Key.Replace("__", ":", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!keys.Contains("AzureWebJobsStorage"))
        {
            return;
        }

        var missing = new[] { "Daedalus:Queue:Name", "Daedalus:Queue:PullName" }.Where(k => !keys.Contains(k)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"a test process on the shared Azurite must name its own queues; missing {string.Join(", ", missing)}");
        }
    }
}
