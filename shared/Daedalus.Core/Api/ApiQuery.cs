using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Daedalus.Api;

/// <summary>
/// Query-string parsing that answers bad input with a 400 naming the parameter. <c>code</c> is always allowed: it
/// is the Functions host's function key (<c>?code=</c>), checked by the host before a request reaches a handler, and
/// the self-host accepts (and ignores) it too so one URL works against both.
/// </summary>
public static class ApiQuery
{
    /// <summary>The function-key query parameter of Azure Functions.</summary>
    public const string FunctionKey = "code";

    public static (int Value, IResult? Problem) Limit(HttpRequest request, int fallback, int max)
    {
        if (RejectUnknown(request, "limit") is { } unknown)
        {
            return (0, unknown);
        }

        var text = request.Query["limit"].ToString();
        if (text.Length == 0)
        {
            return (fallback, null);
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 && value <= max
            ? (value, null)
            : (0, ApiProblems.BadRequest("limit", $"must be a whole number from 1 to {max}"));
    }

    /// <summary>The first query parameter not in <paramref name="known"/>, as a problem; null when all are known.</summary>
    public static IResult? RejectUnknown(HttpRequest request, params string[] known)
    {
        var unknown = request.Query.Keys.FirstOrDefault(k => k != FunctionKey && !known.Contains(k, StringComparer.Ordinal));
        return unknown is null ? null : ApiProblems.BadRequest(unknown, $"unknown query parameter (known: {string.Join(", ", known)})");
    }
}
