using System.Text.Json;
using Daedalus.Storage;

namespace Daedalus.Sources.Rest;

/// <summary>
/// JSON records into <see cref="SourceRecord"/>s for one stream's schema. A column finds its value by the JSON path
/// the schema was inferred from, else by its name: the property of that name, one whose name normalizes to it
/// (<c>createdAt</c> → <c>createdat</c>), or for <c>a__b</c> the nested property <c>a.b</c> (dlt's convention).
/// A value that does not fit its column rejects the row (to quarantine) with the column and the reason.
/// </summary>
public sealed class RestRecordDecoder
{
    private readonly string _stream;
    private readonly StreamSchema _schema;
    private readonly string[][] _paths;

    public RestRecordDecoder(string stream, StreamSchema schema, IReadOnlyDictionary<string, string[]>? inferredPaths)
    {
        _stream = stream;
        _schema = schema;
        _paths = [.. schema.Columns.Select(c => inferredPaths is not null && inferredPaths.TryGetValue(c.Name, out var path) ? path : [c.Name])];
    }

    /// <summary>The record's row; <paramref name="fromParent"/> holds the values of the columns copied from a parent record.</summary>
    public SourceRecord Decode(JsonElement record, IReadOnlyDictionary<string, JsonElement>? fromParent = null)
    {
        var values = new object?[_schema.Columns.Count];
        if (record.ValueKind != JsonValueKind.Object)
        {
            return new SourceRecord(values, Rejected: $"stream {_stream}: a record is not a JSON object");
        }

        string? rejected = null;
        for (var i = 0; i < values.Length; i++)
        {
            var column = _schema.Columns[i];
            JsonElement cell;
            if (fromParent is not null && fromParent.TryGetValue(column.Name, out var parentValue))
            {
                cell = parentValue;
            }
            else if (!TryFind(record, _paths[i], out cell) && !(column.Name.Contains("__", StringComparison.Ordinal) && TryFind(record, column.Name.Split("__"), out cell)))
            {
                continue;
            }

            var problem = RestValueDecoder.Decode(column.Type, cell, out values[i]);
            if (problem is not null)
            {
                values[i] = null;
                rejected ??= $"stream {_stream}: column {column.Name} {problem}";
            }
        }

        return new SourceRecord(values, Rejected: rejected);
    }

    /// <summary>A nested value by property names, each matched exactly or by its normalized form.</summary>
    public static bool TryFind(JsonElement record, string[] path, out JsonElement value)
    {
        value = record;
        foreach (var step in path)
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            if (value.TryGetProperty(step, out var exact))
            {
                value = exact;
                continue;
            }

            var found = false;
            foreach (var property in value.EnumerateObject())
            {
                if (SqlIdentifier.Normalize(property.Name) == step)
                {
                    value = property.Value;
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }
}
