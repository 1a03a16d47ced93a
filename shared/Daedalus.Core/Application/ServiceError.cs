namespace Daedalus.Application;

/// <summary>
/// A refusal from an application service: its kind, a short title, a sentence for a person, and for
/// <see cref="ServiceErrorKind.Invalid"/> and <see cref="ServiceErrorKind.BadInput"/> the offending fields keyed by
/// JSON path or query parameter. Never carries cell or secret values.
/// </summary>
public sealed record ServiceError(ServiceErrorKind Kind, string Title, string Detail, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    /// <summary>Extra members of the problem+json body (for a conflict with a run under way: <c>runId</c> and <c>run</c>, its path).</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }

    public static ServiceError NotFound(string detail) => new(ServiceErrorKind.NotFound, "Not found", detail);

    public static ServiceError Conflict(string detail) => new(ServiceErrorKind.Conflict, "Conflict", detail);

    /// <summary>
    /// Conflict with a pull of <paramref name="source"/>; when its run is known, the answer names it (<c>runId</c>,
    /// <c>run</c>: its path) so a client can follow that run instead of guessing.
    /// </summary>
    public static ServiceError PullUnderWay(string source, Guid? runId, string detail) =>
        runId is { } id
            ? Conflict($"{detail} Run {id}: {Client.ApiPaths.Run(source, id)}.") with
            {
                Extensions = new Dictionary<string, object?> { ["runId"] = id, ["run"] = Client.ApiPaths.Run(source, id) },
            }
            : Conflict($"{detail} See {Client.ApiPaths.Runs(source)}.");

    public static ServiceError PreconditionFailed(string detail) => new(ServiceErrorKind.PreconditionFailed, "Precondition failed", detail);

    public static ServiceError Unavailable(string title, string detail) => new(ServiceErrorKind.Unavailable, title, detail);

    public static ServiceError Invalid(IReadOnlyDictionary<string, string[]> errors, string detail = "The source definition is invalid.") =>
        new(ServiceErrorKind.Invalid, "Validation failed", detail, errors);

    public static ServiceError Invalid(string field, string message, string detail = "The source definition is invalid.") =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] }, detail);

    public static ServiceError BadInput(IReadOnlyDictionary<string, string[]> errors, string detail = "The request is malformed.") =>
        new(ServiceErrorKind.BadInput, "Bad request", detail, errors);

    public static ServiceError BadInput(string field, string message) => BadInput(new Dictionary<string, string[]> { [field] = [message] });
}
