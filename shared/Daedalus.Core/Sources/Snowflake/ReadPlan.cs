namespace Daedalus.Sources.Snowflake;

/// <summary>How one statement's rows become records: the decoders per column, where the watermark and the delete flag sit.</summary>
internal sealed class ReadPlan
{
    private readonly IReadOnlyList<SnowflakeColumn> _rowType;
    private readonly int _watermark;
    private readonly int _deleted;

    private ReadPlan(IReadOnlyList<SnowflakeColumn> rowType, int watermark, int deleted)
    {
        _rowType = rowType;
        _watermark = watermark;
        _deleted = deleted;
    }

    /// <summary>Checks the result still has the described columns (a table altered mid-run fails loudly, not silently).</summary>
    public static ReadPlan Create(StreamSchema schema, SnowflakeStreamSettings settings, IReadOnlyList<SnowflakeColumn> rowType)
    {
        var same = rowType.Count == schema.Columns.Count
            && rowType.Select((c, i) => Storage.SqlIdentifier.Normalize(c.Name) == schema.Columns[i].Name && SnowflakeValueDecoder.ColumnTypeOf(c) == schema.Columns[i].Type).All(x => x);
        if (!same)
        {
            throw new SourceException($"stream {schema.Name}: the result's columns changed since the stream was described; the next run picks up the new schema");
        }

        var watermark = settings.WatermarkColumn is null ? -1 : SnowflakeSourcePlugin.IndexOf(rowType, settings.WatermarkColumn);
        var deleted = settings.DeletedColumn is null ? -1 : SnowflakeSourcePlugin.IndexOf(rowType, settings.DeletedColumn);
        return new ReadPlan(rowType, watermark, deleted);
    }

    public SourceRecord Decode(string?[] row, ref SnowflakeWatermark? mark)
    {
        if (row.Length != _rowType.Count)
        {
            throw new SourceException($"Snowflake returned a row with {row.Length} cells for {_rowType.Count} columns");
        }

        var values = new object?[row.Length];
        string? rejected = null;
        for (var i = 0; i < row.Length; i++)
        {
            try
            {
                values[i] = SnowflakeValueDecoder.Decode(_rowType[i], row[i]);
            }
            catch (SourceException ex)
            {
                // One bad cell quarantines its row, not the stream (the message names the column, never the value).
                rejected ??= ex.Message;
            }
        }

        // Rows arrive ordered by the watermark, so the last non-null one is the highest so far.
        if (_watermark >= 0 && row[_watermark] is { } cell)
        {
            mark = new SnowflakeWatermark(SnowflakeValueDecoder.Kind(_rowType[_watermark].Type), cell);
        }

        var deleted = _deleted >= 0 && values[_deleted] switch
        {
            bool flag => flag,
            long number => number != 0,
            decimal number => number != 0,

            // Only a value decimal cannot hold is a NumericText, so it is never zero; checked anyway.
            NumericText number => number.Value.Any(c => c is >= '1' and <= '9'),
            string text => text.Trim() is "1" || text.Trim().Equals("true", StringComparison.OrdinalIgnoreCase) || text.Trim().Equals("yes", StringComparison.OrdinalIgnoreCase),
            _ => false,
        };
        return new SourceRecord(values, deleted, rejected);
    }
}
