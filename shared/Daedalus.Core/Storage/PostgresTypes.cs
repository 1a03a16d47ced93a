using Daedalus.Sources;
using NpgsqlTypes;

namespace Daedalus.Storage;

/// <summary>How each logical column type is stored, and which changes of type keep every value.</summary>
public static class PostgresTypes
{
    public static string SqlType(ColumnType type) => type switch
    {
        ColumnType.Text => "text",
        ColumnType.Integer => "bigint",
        ColumnType.Decimal => "numeric",
        ColumnType.Double => "double precision",
        ColumnType.Boolean => "boolean",
        ColumnType.Date => "date",
        ColumnType.Time => "time without time zone",
        ColumnType.Timestamp => "timestamp with time zone",
        ColumnType.Json => "jsonb",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static NpgsqlDbType DbType(ColumnType type) => type switch
    {
        ColumnType.Text => NpgsqlDbType.Text,
        ColumnType.Integer => NpgsqlDbType.Bigint,
        ColumnType.Decimal => NpgsqlDbType.Numeric,
        ColumnType.Double => NpgsqlDbType.Double,
        ColumnType.Boolean => NpgsqlDbType.Boolean,
        ColumnType.Date => NpgsqlDbType.Date,
        ColumnType.Time => NpgsqlDbType.Time,
        ColumnType.Timestamp => NpgsqlDbType.TimestampTz,
        ColumnType.Json => NpgsqlDbType.Jsonb,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Widening changes PostgreSQL can apply in place without losing a value.</summary>
    public static bool IsLossless(string existingSqlType, ColumnType incoming) => (existingSqlType, incoming) switch
    {
        ("bigint", ColumnType.Decimal) => true,
        ("integer", ColumnType.Integer) => true,
        ("integer", ColumnType.Decimal) => true,
        ("date", ColumnType.Timestamp) => true,
        ("timestamp without time zone", ColumnType.Timestamp) => true,
        (_, ColumnType.Text) when existingSqlType != "jsonb" => true,
        _ => false,
    };
}
