namespace Daedalus.Sources.Monday;

public enum MondayFailureKind
{
    /// <summary>Complexity budget, per-minute, concurrency or IP limit: wait and try again.</summary>
    RateLimited,

    /// <summary>The board is locked (HTTP 423): wait and try again.</summary>
    Locked,

    /// <summary>The account's daily call limit: nothing to do until 00:00 UTC.</summary>
    DailyLimit,

    /// <summary>The token is missing, expired or lacks access: retrying cannot help.</summary>
    Unauthorized,

    /// <summary>A <c>next_items_page</c> cursor that monday no longer knows (cursors live 60 minutes).</summary>
    CursorExpired,

    /// <summary>The body is not the JSON monday sends.</summary>
    Malformed,

    /// <summary>Anything else: a query error, an unknown board, a server error the HTTP client gave up on.</summary>
    Error,
}
