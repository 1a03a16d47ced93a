namespace Daedalus.Sources.Files;

/// <summary>
/// Infers one column's type from sample cells: the narrowest of integer, decimal, boolean, date, timestamp that
/// every non-empty cell parses as, else text. Never double (a decimal keeps every digit), never integer for
/// numbers with leading zeros (codes such as "007" stay text). JSON values add what their token says
/// (<see cref="AddJson"/>): a column holding any object or array is JSON, a JSON string is never a number.
/// A column with no non-empty cell is text.
/// </summary>
public sealed class ColumnTypeGuess
{
    private bool _integer = true;
    private bool _decimal = true;
    private bool _boolean = true;
    private bool _date = true;
    private bool _timestamp = true;
    private bool _json;
    private int _seen;

    public void AddText(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        _seen++;
        var trimmed = text.Trim();
        var digits = trimmed.TrimStart('+', '-');
        var leadingZero = digits.Length > 1 && digits[0] == '0' && digits[1] != '.';
        _integer &= !leadingZero && CellParser.Parse(text, ColumnType.Integer, out _) is not null;
        _decimal &= !leadingZero && CellParser.Parse(text, ColumnType.Decimal, out _) is not null;
        _boolean &= trimmed.Equals("true", StringComparison.OrdinalIgnoreCase) || trimmed.Equals("false", StringComparison.OrdinalIgnoreCase);
        _date &= CellParser.Parse(text, ColumnType.Date, out _) is not null;
        _timestamp &= CellParser.Parse(text, ColumnType.Timestamp, out _) is not null;
    }

    /// <summary>A JSON value: numbers and booleans by their token, strings as text cells, objects and arrays as JSON.</summary>
    public void AddJson(System.Text.Json.JsonElement value)
    {
        switch (value.ValueKind)
        {
            case System.Text.Json.JsonValueKind.Null or System.Text.Json.JsonValueKind.Undefined:
                return;
            case System.Text.Json.JsonValueKind.Object or System.Text.Json.JsonValueKind.Array:
                _seen++;
                _json = true;
                return;
            case System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False:
                _seen++;
                _integer = _decimal = _date = _timestamp = false;
                return;
            case System.Text.Json.JsonValueKind.Number:
                AddText(value.GetRawText());
                _boolean = false;
                return;
            default:
                // A string stays text even when it holds digits (the producer chose a string); dates and timestamps are read from strings.
                var text = value.GetString();
                if (string.IsNullOrEmpty(text))
                {
                    return;
                }

                _seen++;
                _integer = _decimal = _boolean = false;
                _date &= CellParser.Parse(text, ColumnType.Date, out _) is not null;
                _timestamp &= CellParser.Parse(text, ColumnType.Timestamp, out _) is not null;
                return;
        }
    }

    /// <summary>Folds in what another sample (another file) of the same column saw.</summary>
    public void AddFrom(ColumnTypeGuess other)
    {
        if (other._seen == 0)
        {
            return;
        }

        _seen += other._seen;
        _integer &= other._integer;
        _decimal &= other._decimal;
        _boolean &= other._boolean;
        _date &= other._date;
        _timestamp &= other._timestamp;
        _json |= other._json;
    }

    public ColumnType Result =>
        _seen == 0 ? ColumnType.Text
        : _json ? ColumnType.Json
        : _integer ? ColumnType.Integer
        : _decimal ? ColumnType.Decimal
        : _boolean ? ColumnType.Boolean
        : _date ? ColumnType.Date
        : _timestamp ? ColumnType.Timestamp
        : ColumnType.Text;
}
