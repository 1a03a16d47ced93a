namespace Daedalus.Tests.Sources.Monday;

/// <summary>
/// One board item as typed truth. The fake server renders it in monday's wire format (text + value JSON, and
/// the typed fragment fields of the columns computed from other items); the tests derive the expected
/// PostgreSQL row from these fields directly. <see cref="Clients"/> are items on another board (the connect
/// boards column), <see cref="BlockedBy"/> items on this board (dependency), <see cref="Subitems"/> subitems;
/// <see cref="Score"/> is the formula column's display value.
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
    string? Stage,
    IReadOnlyList<(long Id, string Name)> Clients,
    string? Score,
    IReadOnlyList<(long Id, string Name)> BlockedBy,
    IReadOnlyList<(long Id, string Name)> Subitems);
