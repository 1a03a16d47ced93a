namespace Daedalus.Configuration;

/// <summary>
/// Schemas a stream may not load into: Daedalus's own bookkeeping (<c>daedalus</c>) and PostgreSQL's system
/// schemas (<c>information_schema</c> and every <c>pg_*</c>, which PostgreSQL reserves). <c>public</c> stays allowed:
/// it is the documented default target schema.
/// </summary>
public static class ReservedSchemas
{
    public const string Rule = "daedalus, information_schema and pg_* are reserved (Daedalus's own tables and PostgreSQL's system schemas)";

    public static bool IsReserved(string schema) =>
        schema.Equals("daedalus", StringComparison.OrdinalIgnoreCase)
        || schema.Equals("information_schema", StringComparison.OrdinalIgnoreCase)
        || schema.StartsWith("pg_", StringComparison.OrdinalIgnoreCase);
}
