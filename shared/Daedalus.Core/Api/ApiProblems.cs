using Microsoft.AspNetCore.Http;

namespace Daedalus.Api;

/// <summary>The problem+json answers the API gives; one place, so titles and shapes stay consistent.</summary>
public static class ApiProblems
{
    public static IResult Unauthorized() => Results.Problem(
        statusCode: StatusCodes.Status401Unauthorized,
        title: "Unauthorized",
        detail: "A valid API key is required (Authorization: Bearer <key> or X-Api-Key).");

    public static IResult Forbidden() => Results.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "Forbidden",
        detail: "The API key does not allow this operation.");

    public static IResult NotFound(string detail) => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: detail);

    public static IResult Conflict(string detail) => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);

    public static IResult Unavailable(string title, string detail) => Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: title, detail: detail);

    public static IResult PayloadTooLarge(int limit) => Results.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Request body too large",
        detail: $"The request body exceeds {limit} bytes.");

    public static IResult UnsupportedMediaType() => Results.Problem(
        statusCode: StatusCodes.Status415UnsupportedMediaType,
        title: "Unsupported media type",
        detail: "Send the body as application/json.");

    /// <summary>The request could not be read (malformed JSON, unknown or missing fields, bad query): 400.</summary>
    public static IResult BadRequest(IDictionary<string, string[]> errors, string detail = "The request is malformed.") => Results.ValidationProblem(
        errors, detail: detail, title: "Bad request", statusCode: StatusCodes.Status400BadRequest);

    public static IResult BadRequest(string field, string message) => BadRequest(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>The request was read but its content is invalid (bad cron, identifiers, rules): 422.</summary>
    public static IResult Invalid(IDictionary<string, string[]> errors) => Results.ValidationProblem(
        errors, detail: "The source definition is invalid.", title: "Validation failed", statusCode: StatusCodes.Status422UnprocessableEntity);
}
