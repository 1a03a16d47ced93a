namespace Daedalus.Api;

/// <summary>How the API checks callers (<c>Daedalus:Api:Auth</c>); wire names in <see cref="ApiAuthModes"/>.</summary>
public enum ApiAuthMode
{
    /// <summary><c>apikey</c>: keys from <c>daedalus keys create</c> (self-host).</summary>
    ApiKey,

    /// <summary><c>none</c>: no checks (a loopback-only development host).</summary>
    None,

    /// <summary><c>functionkeys</c>: the Azure Functions host checks function keys before a request reaches us.</summary>
    FunctionKeys,
}
