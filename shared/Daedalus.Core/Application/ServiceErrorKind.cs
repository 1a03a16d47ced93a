namespace Daedalus.Application;

/// <summary>Why an application service refused a request; the API maps each kind to one HTTP status.</summary>
public enum ServiceErrorKind
{
    /// <summary>The request could not be read (a malformed query or value): 400.</summary>
    BadInput,

    /// <summary>The named thing does not exist: 404.</summary>
    NotFound,

    /// <summary>The thing exists already, or is busy (a pull under way): 409.</summary>
    Conflict,

    /// <summary>The caller's version (If-Match) is not the stored one: 412.</summary>
    PreconditionFailed,

    /// <summary>The request was read but its content breaks a rule; <see cref="ServiceError.Errors"/> names the fields: 422.</summary>
    Invalid,

    /// <summary>A dependency this operation needs is absent or down: 503.</summary>
    Unavailable,
}
