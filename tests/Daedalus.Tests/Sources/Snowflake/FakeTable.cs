using Daedalus.Sources.Snowflake;

namespace Daedalus.Tests.Sources.Snowflake;

/// <summary>A table in the fake: its rowType and rows as jsonv2 cells.</summary>
public sealed class FakeTable
{
    private readonly Lock _gate = new();
    private readonly List<string?[]> _rows = [];

    public FakeTable(IReadOnlyList<SnowflakeColumn> rowType)
    {
        RowType = rowType;
    }

    public IReadOnlyList<SnowflakeColumn> RowType { get; }

    public int IndexOf(string column) => RowType.ToList().FindIndex(c => c.Name == column);

    /// <summary>Insert or replace by the first column (the key).</summary>
    public void Upsert(string?[] row)
    {
        lock (_gate)
        {
            var at = _rows.FindIndex(r => r[0] == row[0]);
            if (at >= 0)
            {
                _rows[at] = row;
            }
            else
            {
                _rows.Add(row);
            }
        }
    }

    public List<string?[]> Snapshot()
    {
        lock (_gate)
        {
            return [.. _rows];
        }
    }
}
