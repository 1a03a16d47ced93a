using Daedalus.Application;
using Daedalus.Client;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Daedalus.Api;

/// <summary>
/// The API's paging convention: <c>?limit=</c> sizes a page, <c>?after=</c> continues after the last item of the
/// previous one, and <see cref="ItemList{T}.Next"/> is that next page's path (this request's path and query with
/// <c>after</c> set), absent on the last page.
/// </summary>
public static class ApiPaging
{
    /// <summary>The query parameters every paged list accepts.</summary>
    public static readonly string[] Parameters = ["limit", "after"];

    public static ItemList<T> ListOf<T>(HttpRequest request, Page<T> page) =>
        new(page.Items) { Next = page.After is null ? null : NextPath(request, page.After) };

    /// <summary>
    /// The request's path and query with <c>after</c> replaced. The Functions key (<c>code</c>) is left out: a secret
    /// has no place in a response body, and a client sends its key with every request anyway.
    /// </summary>
    private static string NextPath(HttpRequest request, string after)
    {
        var query = request.Query
            .Where(p => p.Key is not ("after" or ApiQuery.FunctionKey))
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)))
            .Append(new KeyValuePair<string, string?>("after", after));
        return QueryHelpers.AddQueryString((request.PathBase + request.Path).ToUriComponent(), query);
    }
}
