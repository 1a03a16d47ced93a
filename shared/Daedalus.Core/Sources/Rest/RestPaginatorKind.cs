namespace Daedalus.Sources.Rest;

/// <summary>How a stream's pages link (dlt's paginator names).</summary>
public enum RestPaginatorKind
{
    /// <summary>One request, no pages.</summary>
    SinglePage,

    /// <summary>The next page's URL is a value in the body (<c>nextUrlPath</c>, e.g. <c>next</c> or <c>links.next</c>).</summary>
    JsonLink,

    /// <summary>The next page's URL is the <c>Link</c> header's <c>rel="next"</c> (GitHub).</summary>
    HeaderLink,

    /// <summary>A token in the body (<c>cursorPath</c>) goes back as a query parameter (<c>cursorParam</c>).</summary>
    Cursor,

    /// <summary><c>offset</c>/<c>limit</c> query parameters; the offset grows by the records each page returned.</summary>
    Offset,

    /// <summary>A page number query parameter from <c>basePage</c> upwards.</summary>
    PageNumber,
}
