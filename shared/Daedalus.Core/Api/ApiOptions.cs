using System.ComponentModel.DataAnnotations;

namespace Daedalus.Api;

/// <summary>Bound from <c>Daedalus:Api</c>.</summary>
public sealed class ApiOptions
{
    public const string ApiKeyAuth = "apikey";
    public const string NoAuth = "none";
    public const string FunctionKeysAuth = "functionkeys";

    /// <summary>
    /// apikey: keys from <c>daedalus keys create</c> (self-host). functionkeys: the Azure Functions host checks
    /// function keys before a request reaches us. none: no checks (a loopback-only development host).
    /// </summary>
    public string Auth { get; set; } = ApiKeyAuth;

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
