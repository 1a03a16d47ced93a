namespace Daedalus.Tests.Infrastructure;

/// <summary>Waits for a condition that background work makes true, failing with what was awaited.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within {timeout.TotalSeconds:0} s: {what}");
            }

            await Task.Delay(200);
        }
    }
}
