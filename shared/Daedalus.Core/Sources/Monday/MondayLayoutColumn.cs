namespace Daedalus.Sources.Monday;

/// <summary>A board column and the typed target column it flattens into.</summary>
public sealed record MondayLayoutColumn(string ColumnId, string MondayType, ColumnSchema Column);
