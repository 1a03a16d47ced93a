using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Daedalus.Api;

/// <summary>
/// Query-string strictness: an unknown parameter, or one given twice, is a 400 naming it, so a typo never silently means
/// "default".
/// <c>code</c> is always allowed: it is the Functions host's function key (<c>?code=</c>), checked by the host before
/// a request reaches an endpoint, and the self-host accepts (and ignores) it too so one URL works against both.
/// </summary>
public static class ApiQuery
{
    private static readonly string[] GivenTwice = ["given more than once; every query parameter takes one value"];
    private static readonly string[] GivenEmpty = ["empty; leave the parameter out for its default"];

    /// <summary>The function-key query parameter of Azure Functions.</summary>
    public const string FunctionKey = "code";

    /// <summary>
    /// <c>limit</c> as a whole number (range checks are the service's), <paramref name="fallback"/> when absent. Unknown
    /// parameters are <see cref="ApiQueryFilter"/>'s: the endpoint declares <c>limit</c> with <see cref="AcceptsQuery"/>.
    /// </summary>
    public static int Limit(HttpRequest request, int fallback)
    {
        var text = request.Query["limit"].ToString();
        if (text.Length == 0)
        {
            return fallback;
        }

        // Out-of-range numbers (and overflow) reach the service as 0, which names the allowed range.
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
    }

    /// <summary>A query parameter's text, or null when absent or empty.</summary>
    public static string? Text(HttpRequest request, string name) =>
        request.Query[name].ToString() is { Length: > 0 } text ? text : null;

    /// <summary>Declares the query parameters the endpoint reads; any other is a 400 (<see cref="ApiQueryFilter"/>).</summary>
    public static TBuilder AcceptsQuery<TBuilder>(this TBuilder builder, params string[] names)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ApiQueryParameters(names));

    /// <summary>The query parameters not in <paramref name="known"/>, as one problem naming them all; null when all are known.</summary>
    public static ProblemHttpResult? RejectUnknown(HttpRequest request, IReadOnlyCollection<string> known)
    {
        var unknown = request.Query.Keys.Where(k => k != FunctionKey && !known.Contains(k, StringComparer.Ordinal)).ToList();
        if (unknown.Count == 0)
        {
            // Every parameter of this API takes one value: "?metric=a&metric=b" would otherwise be read as "a,b", and
            // "?limit=" as the default.
            var repeated = request.Query.Where(q => q.Key != FunctionKey && q.Value.Count > 1).Select(q => q.Key).ToList();
            var empty = request.Query.Where(q => q.Key != FunctionKey && q.Value.Count == 1 && string.IsNullOrEmpty(q.Value[0])).Select(q => q.Key).ToList();
            if (repeated.Count == 0 && empty.Count == 0)
            {
                return null;
            }

            var errors = repeated.ToDictionary(k => k, _ => GivenTwice, StringComparer.Ordinal);
            foreach (var name in empty)
            {
                errors[name] = GivenEmpty;
            }

            return ApiProblems.BadRequest(errors, $"Query parameter{(errors.Count == 1 ? "" : "s")} {string.Join(", ", errors.Keys)}: {(repeated.Count > 0 ? "given more than once" : "")}{(repeated.Count > 0 && empty.Count > 0 ? "; " : "")}{(empty.Count > 0 ? "empty (leave a parameter out for its default)" : "")}.");
        }

        var accepted = known.Count == 0 ? "none" : string.Join(", ", known);
        return ApiProblems.BadRequest(
            unknown.ToDictionary(k => k, _ => new[] { $"unknown query parameter (accepted: {accepted})" }, StringComparer.Ordinal),
            $"Unknown query parameter{(unknown.Count == 1 ? "" : "s")} {string.Join(", ", unknown)}; this route accepts {accepted}.");
    }
}
