using System.Globalization;
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
                ColumnType.Decimal => element.ValueKind == JsonValueKind.String
                    ? decimal.Parse(element.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
                    : element.GetDecimal(),
                ColumnType.Boolean => element.GetBoolean(),
                ColumnType.Date => DateOnly.ParseExact(element.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                ColumnType.Timestamp => DateTimeOffset.Parse(element.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime(),
                ColumnType.Json => element.GetRawText(),
                _ => throw new InvalidOperationException($"column type {Type} is not used by the QuickBooks plugin"),
            };
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or OverflowException)
        {
            throw new SourceException($"QuickBooks field {string.Join('.', Path)} ({element.ValueKind}) is not a {Type}: {ex.Message}", ex);
        }
    }
}
