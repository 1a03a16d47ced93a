using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Daedalus.Sources.Files;

/// <summary>
/// Reads JSON Lines one line at a time (UTF-8, or UTF-16/32 by byte order mark; a BOM is skipped; \r\n or \n).
/// Blank lines are not records. A line that is not a JSON object is rejected whole; a property that is not of its
/// column's type rejects its record naming the column. Numbers keep every digit (decimals are read from the JSON text).
/// </summary>
public static class JsonLinesFileReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256 };

    // JSON Lines is UTF-8 (RFC 7464 and jsonlines.org): a byte that is not is marked, and its line refused, never read as U+FFFD.
    private static readonly Encoding Utf8 = UndecodableText.Marking(new UTF8Encoding(false));

    /// <summary>
    /// Column names (normalised, in order of first appearance) and a type guess for each, from up to
    /// <paramref name="rows"/> objects; <c>Records</c> is how many objects were sampled (blank and malformed lines not counted).
    /// </summary>
    public static async Task<(List<(string Name, ColumnTypeGuess Guess)> Columns, int Records)> SampleAsync(Stream stream, int rows, CancellationToken cancellationToken)
    {
        var columns = new List<(string Name, ColumnTypeGuess Guess)>();
        using var text = new StreamReader(stream, Utf8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
        var seen = 0;
        while (seen < rows && await text.ReadLineAsync(cancellationToken) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line) || UndecodableText.IsUndecodable(line) || TryParse(line) is not { } document)
            {
                continue;
            }

            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                seen++;
                try
                {
                    foreach (var property in document.RootElement.EnumerateObject())
                    {
                        var name = FileColumnNames.Normalize([property.Name])[0];
                        var index = columns.FindIndex(c => c.Name == name);
                        if (index < 0)
                        {
                            columns.Add((name, new ColumnTypeGuess()));
                            index = columns.Count - 1;
                        }

                        columns[index].Guess.AddJson(property.Value);
                    }
                }
                catch (InvalidOperationException)
                {
                    // An unpaired surrogate escape in a key or a string: the read refuses that line; the sample goes on.
                }
            }
        }

        return (columns, seen);
    }

    public static async IAsyncEnumerable<SourceRecord> ReadAsync(Stream stream, FileReadPlan plan, long skip, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var text = new StreamReader(stream, Utf8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);

        // Property name as written → column index (-1: not a column), so each distinct key is normalised once.
        var lookup = new Dictionary<string, int>(StringComparer.Ordinal);
        long line = 0;
        long record = 0;
        while (await text.ReadLineAsync(cancellationToken) is { } content)
        {
            line++;
            if (string.IsNullOrWhiteSpace(content) || ++record <= skip)
            {
                continue;
            }

            if (UndecodableText.IsUndecodable(content))
            {
                yield return plan.Reject(record, $"line {line}: is not valid UTF-8 (JSON Lines files are UTF-8; this one may be Latin-1 or windows-1252)");
                continue;
            }

            using var document = TryParse(content);
            if (document is null || document.RootElement.ValueKind != JsonValueKind.Object)
            {
                yield return plan.Reject(record, $"line {line}: {(document is null ? "is not valid JSON" : "is not a JSON object")}");
                continue;
            }

            yield return Decode(document.RootElement, plan, record, line, lookup);
        }
    }

    private static SourceRecord Decode(JsonElement root, FileReadPlan plan, long record, long line, Dictionary<string, int> lookup)
    {
        var columns = plan.Columns;
        var values = plan.NewValues(record);
        List<string>? problems = null;
        foreach (var property in root.EnumerateObject())
        {
            string key;
            try
            {
                key = property.Name;
            }
            catch (InvalidOperationException)
            {
                // A key with an unpaired surrogate escape ("\ud83d") is not text: the line is refused, not the file.
                return plan.Reject(record, $"line {line}: {UnpairedSurrogate}");
            }

            if (!lookup.TryGetValue(key, out var index))
            {
                var name = FileColumnNames.Normalize([key])[0];
                index = -1;
                for (var i = 0; i < columns.Count; i++)
                {
                    if (columns[i].Name == name)
                    {
                        index = i;
                        break;
                    }
                }

                lookup[key] = index;
            }

            if (index < 0)
            {
                continue;
            }

            values[index] = Decode(property.Value, columns[index].Type, out var problem);
            if (problem is not null)
            {
                (problems ??= []).Add($"column {columns[index].Name} {problem}");
            }
        }

        return new SourceRecord(values, Rejected: problems is null ? null : $"file {plan.File.Name} line {line}: {string.Join("; ", problems)}");
    }

    private static object? Decode(JsonElement value, ColumnType type, out string? problem)
    {
        problem = null;
        switch (value.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return null;
            case JsonValueKind.Object or JsonValueKind.Array:
                if (type is ColumnType.Json or ColumnType.Text)
                {
                    return value.GetRawText();
                }

                problem = $"is a JSON {(value.ValueKind == JsonValueKind.Object ? "object" : "array")}, not {type.ToString().ToLowerInvariant()}";
                return null;
            case JsonValueKind.True or JsonValueKind.False:
                if (type == ColumnType.Boolean)
                {
                    return value.GetBoolean();
                }

                return type is ColumnType.Json or ColumnType.Text ? value.GetRawText() : Fail(type, out problem);
            case JsonValueKind.Number:
                return type switch
                {
                    ColumnType.Json or ColumnType.Text => value.GetRawText(),
                    ColumnType.Integer or ColumnType.Decimal or ColumnType.Double => CellParser.Parse(value.GetRawText(), type, out problem),
                    _ => Fail(type, out problem),
                };
            default:
                if (type == ColumnType.Json)
                {
                    return value.GetRawText();
                }

                string text;
                try
                {
                    text = value.GetString()!;
                }
                catch (InvalidOperationException)
                {
                    // "\ud83d" alone (half an emoji, cut by a truncating producer) is valid JSON but not text.
                    problem = UnpairedSurrogate;
                    return null;
                }

                return CellParser.Parse(text, type, out problem);
        }
    }

    private const string UnpairedSurrogate = "holds an unpaired surrogate escape (\\uD800-\\uDFFF alone), which is not text";

    private static object? Fail(ColumnType type, out string? problem)
    {
        problem = $"is not {type.ToString().ToLowerInvariant()}";
        return null;
    }

    private static JsonDocument? TryParse(string line)
    {
        try
        {
            return JsonDocument.Parse(line, DocumentOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
