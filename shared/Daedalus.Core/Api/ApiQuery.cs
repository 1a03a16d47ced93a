using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Daedalus.Api;

/// <summary>
/// Query-string strictness: an unknown parameter is a 400 naming it, so a typo never silently means "default".
/// <c>code</c> is always allowed: it is the Functions host's function key (<c>?code=</c>), checked by the host before
/// a request reaches an endpoint, and the self-host accepts (and ignores) it too so one URL works against both.
/// </summary>
public static class ApiQuery
{
    /// <summary>The function-key query parameter of Azure Functions.</summary>
    public const string FunctionKey = "code";

    /// <summary><c>limit</c> as a whole number (range checks are the service's), <paramref name="fallback"/> when absent.</summary>
    public static (int Value, ProblemHttpResult? Problem) Limit(HttpRequest request, int fallback, params string[] alsoKnown)
    {
        if (RejectUnknown(request, ["limit", .. alsoKnown]) is { } unknown)
        {
            return (0, unknown);
        }

        var text = request.Query["limit"].ToString();
        if (text.Length == 0)
        {
            return (fallback, null);
        }

        // Out-of-range numbers (and overflow) reach the service as 0, which names the allowed range.
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? (value, null) : (0, null);
    }

    /// <summary>The first query parameter not in <paramref name="known"/>, as a problem; null when all are known.</summary>
    public static ProblemHttpResult? RejectUnknown(HttpRequest request, params string[] known)
    {
        var unknown = request.Query.Keys.FirstOrDefault(k => k != FunctionKey && !known.Contains(k, StringComparer.Ordinal));
        return unknown is null ? null : ApiProblems.BadRequest(unknown, $"unknown query parameter (known: {string.Join(", ", known)})");
    }
}
