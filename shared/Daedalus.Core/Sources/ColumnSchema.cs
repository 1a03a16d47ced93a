namespace Daedalus.Sources;

public sealed record ColumnSchema(string Name, ColumnType Type);
