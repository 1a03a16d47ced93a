namespace Daedalus.Sources;

/// <summary>What a plugin declares about one stream: its columns, primary key and cursor field.</summary>
public sealed record StreamSchema(string Name, IReadOnlyList<ColumnSchema> Columns, IReadOnlyList<string> PrimaryKey, string? CursorField)
{
    public int IndexOf(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i].Name, column, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
