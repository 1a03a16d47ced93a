namespace Daedalus.Tests.Sources.Monday;

/// <summary>
/// One board item as typed truth. The fake server renders it in monday's wire format (text + value JSON);
/// the tests derive the expected PostgreSQL row from these fields directly.
/// </summary>
public sealed record FixtureItem(
    long Id,
    string Name,
    string Group,
    string State,
    DateTimeOffset UpdatedAt,
    string? Status,
    string? Notes,
    decimal? Budget,
    DateOnly? Due,
    bool Done,
    long? Priority,
    TimeOnly? StartTime,
    long? OwnerId,
    (DateOnly From, DateOnly To)? Timeline,
    string? Email,
    string? Stage);
