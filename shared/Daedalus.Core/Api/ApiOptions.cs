using System.ComponentModel.DataAnnotations;

namespace Daedalus.Api;

/// <summary>Bound from <c>Daedalus:Api</c>.</summary>
public sealed class ApiOptions
{
    /// <summary>
    /// <c>Daedalus:Api:Auth</c> as configured: <c>apikey</c> (default), <c>none</c> or <c>functionkeys</c>
    /// (<see cref="ApiAuthModes"/>); anything else fails options validation on start. Read <see cref="AuthMode()"/>.
    /// </summary>
    public string Auth { get; set; } = ApiAuthModes.Name(ApiAuthMode.ApiKey);

    /// <summary>How callers are checked (<see cref="ApiAuthMode"/>); valid once options validation passed.</summary>
    /// <remarks>A method, not a property: options validation reads every property, and this one throws on an invalid <see cref="Auth"/>.</remarks>
    public ApiAuthMode AuthMode() => ApiAuthModes.TryParse(Auth, out var mode)
        ? mode.Value
        : throw new InvalidOperationException($"Daedalus:Api:Auth is not one of {string.Join(", ", ApiAuthModes.All)}");

    /// <summary>Request bodies larger than this are refused with 413.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = 256 * 1024;

    /// <summary>How long a verified key is trusted before it is looked up again (so revocation applies within this time).</summary>
    [Range(0, 300)]
    public int KeyCacheSeconds { get; set; } = 10;

    /// <summary>
    /// Pull API-triggered runs in this process instead of enqueuing them on the pull queue. Only for the CLI's local mode
    /// (application services in-process), where no pull worker listens; serve and the Functions app always enqueue (storage configured).
    /// </summary>
    public bool InProcessPulls { get; set; }
}
