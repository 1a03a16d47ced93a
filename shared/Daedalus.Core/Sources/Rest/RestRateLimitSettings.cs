namespace Daedalus.Sources.Rest;

/// <summary>
/// <c>settings.rateLimit</c>: response headers that announce an exhausted budget before a 429 does
/// (GitHub: <c>x-ratelimit-remaining</c> and <c>x-ratelimit-reset</c> in epoch seconds). When remaining is 0
/// the plugin waits until the reset if that fits the pull's bounded wait, else ends the pull early.
/// </summary>
public sealed record RestRateLimitSettings(string? RemainingHeader, string? ResetHeader, bool ResetIsEpoch)
{
    internal static RestRateLimitSettings From(RestSettingReader reader) => new(
        reader.Text("rateLimit.remainingHeader"),
        reader.Text("rateLimit.resetHeader"),
        reader.Choice("rateLimit.reset", true, new Dictionary<string, bool> { ["epoch"] = true, ["seconds"] = false }));
}
