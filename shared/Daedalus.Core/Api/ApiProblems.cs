using Daedalus.Application;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Daedalus.Api;

/// <summary>The problem+json answers the API gives; one place, so titles and shapes stay consistent.</summary>
public static class ApiProblems
{
    public static ProblemHttpResult Unauthorized() => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized,
        title: "Unauthorized",
        detail: "A valid API key is required (Authorization: Bearer <key> or X-Api-Key).");

    public static ProblemHttpResult Forbidden() => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "Forbidden",
        detail: "The API key does not allow this operation.");

    public static ProblemHttpResult NotFound(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: detail);

    public static ProblemHttpResult PayloadTooLarge(int limit) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Request body too large",
        detail: $"The request body exceeds {limit} bytes.");

    public static ProblemHttpResult UnsupportedMediaType() => TypedResults.Problem(
        statusCode: StatusCodes.Status415UnsupportedMediaType,
        title: "Unsupported media type",
        detail: "Send the body as application/json.");

    /// <summary>The request could not be read (malformed JSON, unknown or missing fields, bad query): 400.</summary>
    public static ProblemHttpResult BadRequest(IDictionary<string, string[]> errors, string detail = "The request is malformed.") =>
        Validation(StatusCodes.Status400BadRequest, "Bad request", detail, errors);

    public static ProblemHttpResult BadRequest(string field, string message) => BadRequest(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>An application service's refusal as problem+json: its kind decides the status, its fields the <c>errors</c>.</summary>
    public static ProblemHttpResult From(ServiceError error)
    {
        var status = StatusOf(error.Kind);
        if (error.Errors is { } errors)
        {
            var details = new HttpValidationProblemDetails(errors.ToDictionary()) { Status = status, Title = error.Title, Detail = error.Detail };
            foreach (var (key, value) in error.Extensions ?? new Dictionary<string, object?>())
            {
                details.Extensions[key] = value;
            }

            return TypedResults.Problem(details);
        }

        return TypedResults.Problem(statusCode: status, title: error.Title, detail: error.Detail, extensions: error.Extensions);
    }

    /// <summary>The HTTP status of each kind of refusal.</summary>
    public static int StatusOf(ServiceErrorKind kind) =>
        kind switch
        {
            ServiceErrorKind.BadInput => StatusCodes.Status400BadRequest,
            ServiceErrorKind.NotFound => StatusCodes.Status404NotFound,
            ServiceErrorKind.Conflict => StatusCodes.Status409Conflict,
            ServiceErrorKind.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
            ServiceErrorKind.Invalid => StatusCodes.Status422UnprocessableEntity,
            ServiceErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown service error kind"),
        };

    private static ProblemHttpResult Validation(int status, string title, string detail, IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors) { Status = status, Title = title, Detail = detail });
}
