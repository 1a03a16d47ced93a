using Daedalus.Configuration;
using Microsoft.AspNetCore.Http;

namespace Daedalus.Api;

/// <summary>
/// Refuses query parameters (names and values) and route values that hold text PostgreSQL cannot store (NUL, unpaired
/// surrogates) with a 400 naming the parameter, before any handler passes them to a statement.
/// </summary>
public static class ApiRequestTextCheck
{
    /// <summary>A 400 problem for the first unstorable query parameter or route value, or null when all are fine.</summary>
    public static IResult? Check(HttpRequest request)
    {
        foreach (var (name, values) in request.Query)
        {
            if (StoredText.Problem(name) is { } keyProblem)
            {
                return ApiProblems.BadRequest("(query parameter name)", keyProblem);
            }

            foreach (var value in values)
            {
                if (StoredText.Problem(value) is { } problem)
                {
                    return ApiProblems.BadRequest(name, problem);
                }
            }
        }

        foreach (var (name, value) in request.RouteValues)
        {
            if (value is string text && StoredText.Problem(text) is { } problem)
            {
                return ApiProblems.BadRequest(name, problem);
            }
        }

        return StoredText.Problem(request.Path.Value) is { } pathProblem ? ApiProblems.BadRequest("(path)", pathProblem) : null;
    }

    /// <summary>The check as middleware for the self-host (the Functions triggers call <see cref="Check"/> themselves).</summary>
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (Check(context.Request) is { } problem)
        {
            await problem.ExecuteAsync(context);
            return;
        }

        await next(context);
    }
}
