using Daedalus.Storage;

namespace Daedalus.Sources.Monday;

/// <summary>
/// A board's stream schema: the fixed item columns, then one typed column per board column, named after the
/// column title (or id) normalised to an SQL identifier, de-duplicated with the column id when titles clash.
/// </summary>
public sealed record MondayBoardLayout(string BoardId, IReadOnlyList<MondayLayoutColumn> BoardColumns, StreamSchema Schema)
{
    public const string IdColumn = "id";
    public const string NameColumn = "name";
    public const string GroupColumn = "group_id";
    public const string StateColumn = "state";
    public const string UpdatedAtColumn = "updated_at";

    /// <summary>Item ids are strings of digits in the API; stored as bigint so they sort and join as numbers.</summary>
    public static readonly IReadOnlyList<ColumnSchema> FixedColumns =
    [
        new(IdColumn, ColumnType.Integer),
        new(NameColumn, ColumnType.Text),
        new(GroupColumn, ColumnType.Text),
        new(StateColumn, ColumnType.Text),
        new(UpdatedAtColumn, ColumnType.Timestamp),
    ];

    public static MondayBoardLayout Create(string streamName, string boardId, IEnumerable<MondayColumn> columns, bool nameById)
    {
        var used = new HashSet<string>(FixedColumns.Select(c => c.Name), StringComparer.Ordinal);
        var boardColumns = new List<MondayLayoutColumn>();
        foreach (var column in columns)
        {
            // The item name is a fixed column already.
            if (column.Id == "name" || string.Equals(column.Type, "name", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var name = SqlIdentifier.Normalize(nameById ? column.Id : column.Title);
            if (!used.Add(name))
            {
                name = SqlIdentifier.Normalize($"{name}_{column.Id}");
                for (var n = 2; !used.Add(name); n++)
                {
                    name = SqlIdentifier.Normalize($"{name}_{n}");
                }
            }

            boardColumns.Add(new MondayLayoutColumn(column.Id, column.Type, new ColumnSchema(name, MondayColumnValueFlattener.TypeOf(column.Type))));
        }

        var schema = new StreamSchema(streamName, [.. FixedColumns, .. boardColumns.Select(c => c.Column)], [IdColumn], UpdatedAtColumn);
        return new MondayBoardLayout(boardId, boardColumns, schema);
    }

    /// <summary>One item as a row aligned with <see cref="Schema"/>; archived and deleted items are deletes.</summary>
    /// <remarks>
    /// A cell that does not decode as its column's type makes the record <see cref="SourceRecord.Rejected"/> (the row
    /// goes to quarantine; the reason names the column, never the value); the rest of the stream loads.
    /// </remarks>
    public SourceRecord ToRecord(MondayItem item)
    {
        var rejected = item.Rejected is { } unreadable ? $"stream {Schema.Name}, monday board {BoardId}: item cannot be read: {unreadable}" : null;
        var values = new object?[FixedColumns.Count + BoardColumns.Count];
        if (long.TryParse(item.Id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
        {
            values[0] = id;
        }
        else
        {
            rejected = $"stream {Schema.Name}, monday board {BoardId}: item id is not a number";
        }

        values[1] = item.Name;
        values[2] = item.Group?.Id;
        values[3] = item.State;
        values[4] = item.UpdatedAt?.ToUniversalTime();
        var cells = item.ColumnValues ?? [];
        for (var i = 0; i < BoardColumns.Count; i++)
        {
            var column = BoardColumns[i];
            MondayColumnValue? cell = null;
            foreach (var candidate in cells)
            {
                if (candidate.Id == column.ColumnId)
                {
                    cell = candidate;
                    break;
                }
            }

            try
            {
                values[FixedColumns.Count + i] = MondayColumnValueFlattener.Convert(column.MondayType, column.Column.Type, cell);
            }
            catch (Exception ex) when (ex is FormatException or OverflowException)
            {
                // The reasons are fixed texts; the cell value is never part of the message.
                rejected ??= $"stream {Schema.Name}, monday board {BoardId}: column {column.Column.Name} (monday column {column.ColumnId}, type {column.MondayType}) cannot be decoded: {ex.Message}";
            }
        }

        var deleted = item.State is "archived" or "deleted";
        return new SourceRecord(values, deleted, rejected);
    }
}
