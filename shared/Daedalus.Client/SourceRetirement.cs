namespace Daedalus.Client;

/// <summary>
/// A source with a retirement time, as <c>/api/v1/status</c> lists it: <see cref="RetireAt"/> is when it stops being
/// pulled (UTC); <see cref="RetiredAt"/> is when the scheduler retired it, null while the retirement is upcoming.
/// </summary>
public sealed record SourceRetirement(string Source, DateTimeOffset RetireAt, DateTimeOffset? RetiredAt);
