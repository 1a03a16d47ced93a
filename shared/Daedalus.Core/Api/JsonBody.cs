using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Daedalus.Api;

/// <summary>
/// A JSON request body as an endpoint parameter, read by <see cref="ApiRequestBody"/> (size limit 413, media type 415,
/// malformed or unknown fields 400 keyed by JSON path) instead of the framework's binder, whose failures carry no field
/// path. The endpoint declares the body type for OpenAPI with <c>Accepts&lt;T&gt;</c>.
/// </summary>
public sealed class JsonBody<T>
    where T : class
{
    private JsonBody(T? value, ProblemHttpResult? problem)
    {
        Value = value;
        Problem = problem;
    }

    /// <summary>The body; null when it was empty (and <see cref="Problem"/> is null).</summary>
    public T? Value { get; }

    /// <summary>Why the body could not be read, or null.</summary>
    public ProblemHttpResult? Problem { get; }

    /// <summary>The problem to answer when the body is unreadable or, since one is required, empty.</summary>
    public ProblemHttpResult? Required() =>
        Problem ?? (Value is null ? ApiProblems.BadRequest("$", "A JSON body is required.") : null);

    /// <summary>Called by minimal-API binding for a parameter of this type.</summary>
    [SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "Minimal-API binding looks for a static BindAsync on the parameter's own type.")]
    public static async ValueTask<JsonBody<T>?> BindAsync(HttpContext context)
    {
        var (value, problem) = await ApiRequestBody.ReadAsync<T>(context, context.RequestAborted, optional: true);
        return new JsonBody<T>(value, problem);
    }
}
