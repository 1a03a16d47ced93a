using System.Text.Json;

namespace Daedalus.Sources.QuickBooks;

/// <summary>One typed column taken from a path in a QuickBooks entity (e.g. <c>CustomerRef.value</c>).</summary>
public sealed record QuickBooksColumn(string Name, ColumnType Type, params string[] Path)
{
    /// <summary>The value as the CLR type <see cref="Type"/> declares; null when the path is absent or null.</summary>
    public object? Read(JsonElement entity)
    {
        var element = entity;
        foreach (var step in Path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(step, out element))
            {
                return null;
            }
        }

        if (element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        try
        {
            return Type switch
            {
                ColumnType.Text => element.ValueKind == JsonValueKind.String ? element.GetString() : element.GetRawText(),

                // Amounts keep every digit QuickBooks sent (unit prices carry up to 7 decimals); never via double.
                ColumnType.Decimal => element.ValueKind switch
                {
                    JsonValueKind.Number => NumericText.Parse(element.GetRawText()),
                    JsonValueKind.String => NumericText.Parse(element.GetString()!),
                    _ => throw new FormatException($"a JSON {element.ValueKind} is not a number"),
                },
                ColumnType.Boolean => element.GetBoolean(),
                ColumnType.Date => QuickBooksDateTime.ParseDate(String(element)),
                ColumnType.Timestamp => QuickBooksDateTime.ParseTimestamp(String(element)),
                ColumnType.Json => element.GetRawText(),
                _ => throw new InvalidOperationException($"column type {Type} is not used by the QuickBooks plugin"),
            };
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or OverflowException)
        {
            // Every exception reaching here comes from a parser whose message describes the expected shape, never
            // the value (the lenient framework parsers, whose messages quote it, are not used).
            throw new SourceException($"QuickBooks field {string.Join('.', Path)} (column {Name}, JSON {element.ValueKind}) is not a valid {Type}: {ex.Message}", ex);
        }
    }

    private static string String(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : throw new FormatException($"a JSON {element.ValueKind} is not a string");
}
