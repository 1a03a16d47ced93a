namespace Daedalus.Sources;

/// <summary>Logical column types a plugin can declare; each maps to one PostgreSQL type.</summary>
public enum ColumnType
{
    Text,
    Integer,
    Decimal,
    Double,
    Boolean,
    Date,
    Time,
    Timestamp,
    Json,
}
