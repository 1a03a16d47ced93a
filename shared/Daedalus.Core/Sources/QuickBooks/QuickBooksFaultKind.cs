namespace Daedalus.Sources.QuickBooks;

public enum QuickBooksFaultKind
{
    /// <summary>HTTP 429 / code 3001 ThrottleExceeded: wait (QuickBooks says 60 s) and try again.</summary>
    Throttled,

    /// <summary>HTTP 401 / AuthenticationFault / code 3200: the access token expired or was revoked; refresh once.</summary>
    Unauthenticated,

    /// <summary>HTTP 403 / AuthorizationFault / code 3100: the app or user lacks access; retrying cannot help.</summary>
    Forbidden,

    /// <summary>ValidationFault (a bad query, MAXRESULTS above 1000...): retrying cannot help.</summary>
    Validation,

    /// <summary>SystemFault or a 5xx the HTTP client already retried.</summary>
    Server,

    /// <summary>The body is not the JSON QuickBooks sends.</summary>
    Malformed,
}
