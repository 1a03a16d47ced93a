namespace Daedalus.Sources.Files;

/// <summary>
/// How one file is read: its data columns (the stream schema without the bookkeeping columns, which come last) and
/// the stream's settings. Builds each record's value array with the bookkeeping cells filled in.
/// </summary>
public sealed record FileReadPlan(StoredFile File, IReadOnlyList<ColumnSchema> Columns, FilesStreamSettings Settings)
{
    /// <summary>A fresh value array for record <paramref name="record"/> (1-based) of the file: data cells null, bookkeeping set.</summary>
    public object?[] NewValues(long record)
    {
        var values = new object?[Columns.Count + FilesSourcePlugin.BookkeepingColumns.Length];
        values[Columns.Count] = File.Name;
        values[Columns.Count + 1] = record;
        values[Columns.Count + 2] = File.LastModified;
        return values;
    }

    /// <summary>A record that could not be decoded at all (a malformed line): bookkeeping only, with the reason.</summary>
    public SourceRecord Reject(long record, string reason) => new(NewValues(record), Rejected: $"file {File.Name} {reason}");

    /// <summary>The index of each data column among <paramref name="names"/> (normalised file column names), or -1.</summary>
    public int[] MapColumns(IReadOnlyList<string> names)
    {
        var map = new int[Columns.Count];
        for (var i = 0; i < Columns.Count; i++)
        {
            map[i] = -1;
            for (var j = 0; j < names.Count; j++)
            {
                if (names[j] == Columns[i].Name)
                {
                    map[i] = j;
                    break;
                }
            }
        }

        return map;
    }
}
