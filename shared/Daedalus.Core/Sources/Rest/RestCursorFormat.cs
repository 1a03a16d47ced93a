namespace Daedalus.Sources.Rest;

/// <summary>How a cursor value is written into the incremental request parameter.</summary>
public enum RestCursorFormat
{
    /// <summary>As the API returned it (a timestamp less the lookback keeps its ISO 8601 shape, in UTC).</summary>
    Raw,

    /// <summary>ISO 8601 in UTC with a Z, e.g. 2024-05-01T12:00:00Z.</summary>
    Iso8601,

    /// <summary>Seconds since 1970-01-01 UTC.</summary>
    UnixSeconds,

    /// <summary>Milliseconds since 1970-01-01 UTC.</summary>
    UnixMilliseconds,
}
