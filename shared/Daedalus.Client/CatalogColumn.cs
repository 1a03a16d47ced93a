namespace Daedalus.Client;

/// <summary>
/// A column of a target table: its name, PostgreSQL type as <c>format_type</c> spells it (e.g. <c>numeric(12,2)</c>,
/// <c>timestamp with time zone</c>), whether it accepts NULL, whether it is part of the primary key, its protection
/// (<c>encrypt</c> or <c>hash</c>; null when stored as read) and whether Daedalus added it for its own bookkeeping.
/// </summary>
public sealed record CatalogColumn(string Name, string Type, bool Nullable, bool PrimaryKey, string? Protection, bool Bookkeeping);
