namespace Daedalus.Tests.Sources.Snowflake;

/// <summary>One fixture row of SALES.PUBLIC.ORDERS as typed values (what PostgreSQL must end up holding).</summary>
public sealed record OrderRow(
    long Id,
    string? Customer,
    decimal? Amount,
    double? Rate,
    bool? Paid,
    DateOnly? OrderDate,
    TimeOnly? OrderTime,
    DateTimeOffset? CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ShippedAt,
    string? Attrs,
    byte[]? Checksum,
    bool IsDeleted);
