using System.Globalization;
using System.Text.Json;
using Daedalus.Storage;

namespace Daedalus.Sources.Rest;

/// <summary>
/// Column types from a sample of records, for streams without declared <c>columns</c>: one column per top-level
/// property (named by <see cref="SqlIdentifier.Normalize"/>), in order of first appearance. Booleans are boolean;
/// numbers integer when every sample is whole and fits 64 bits, else decimal; strings timestamp when every sample is
/// an ISO 8601 instant with an offset, date when every one is yyyy-MM-dd, else text; objects and arrays json; a
/// property that is only ever null is text. A sample cannot promise the future: declare columns for production
/// streams (<c>sources discover</c> prints what it inferred).
/// </summary>
public static class RestSchemaInference
{
    public static (IReadOnlyList<ColumnSchema> Columns, IReadOnlyDictionary<string, string[]> Paths) Infer(IEnumerable<JsonElement> records)
    {
        var order = new List<string>();
        var kinds = new Dictionary<string, ColumnType?>(StringComparer.Ordinal);
        foreach (var record in records.Where(r => r.ValueKind == JsonValueKind.Object))
        {
            foreach (var property in record.EnumerateObject())
            {
                if (!kinds.TryGetValue(property.Name, out var known))
                {
                    order.Add(property.Name);
                    known = null;
                }

                kinds[property.Name] = Widen(known, TypeOf(property.Value));
            }
        }

        var columns = new List<ColumnSchema>();
        var paths = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var name in order)
        {
            var column = SqlIdentifier.Normalize(name);
            for (var n = 2; paths.ContainsKey(column); n++)
            {
                column = $"{SqlIdentifier.Normalize(name)}_{n}";
            }

            paths[column] = [name];
            columns.Add(new ColumnSchema(column, kinds[name] ?? ColumnType.Text));
        }

        return (columns, paths);
    }

    private static ColumnType? TypeOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.True or JsonValueKind.False => ColumnType.Boolean,
        JsonValueKind.Number => long.TryParse(value.GetRawText(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? ColumnType.Integer : ColumnType.Decimal,
        // A string that is not valid Unicode says nothing about its column's type; reading it would throw.
        JsonValueKind.String when !JsonText.TryGetString(value, out _) => ColumnType.Text,
        JsonValueKind.String when RestCursorValue.TryTimestamp(value.GetString()!, out _) => ColumnType.Timestamp,
        JsonValueKind.String when DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) => ColumnType.Date,
        JsonValueKind.String => ColumnType.Text,
        _ => ColumnType.Json,
    };

    /// <summary>The narrowest type every sample so far fits (null = only nulls seen).</summary>
    private static ColumnType? Widen(ColumnType? known, ColumnType? next) => (known, next) switch
    {
        (null, _) => next,
        (_, null) => known,
        var (a, b) when a == b => a,
        (ColumnType.Integer, ColumnType.Decimal) or (ColumnType.Decimal, ColumnType.Integer) => ColumnType.Decimal,
        (ColumnType.Date, ColumnType.Timestamp) or (ColumnType.Timestamp, ColumnType.Date) => ColumnType.Text,
        _ when known == ColumnType.Json || next == ColumnType.Json => ColumnType.Json,
        _ => ColumnType.Text,
    };
}
