namespace Daedalus.Client;

/// <summary>
/// A source with a retirement time, as <c>/api/v1/status</c> lists it: <c>retireAt</c> is when it stops being
/// pulled (UTC); <c>retiredAt</c> is when the scheduler retired it, null while the retirement is upcoming.
/// </summary>
public sealed record SourceRetirement(string Source, DateTimeOffset RetireAt, DateTimeOffset? RetiredAt);
