using System.Text.Json;

namespace Daedalus.Sources;

/// <summary>
/// JSON strings as .NET strings, without throwing for text .NET cannot hold: a JSON string may carry an escaped
/// unpaired surrogate (<c>"\ud83d"</c>, half an emoji; JavaScript's JSON.stringify writes these), which
/// <see cref="JsonElement.GetString"/> refuses with <see cref="InvalidOperationException"/>. Such a value is one bad
/// cell, so callers reject its record instead of failing the page.
/// </summary>
public static class JsonText
{
    /// <summary>The reason a record with such a string carries (never the value).</summary>
    public const string UnpairedSurrogateProblem = "is a string holding an unpaired UTF-16 surrogate (half of a character), which is not valid Unicode";

    /// <summary>The string value of a JSON string element; false when it holds an unpaired surrogate.</summary>
    public static bool TryGetString(JsonElement element, out string value)
    {
        try
        {
            value = element.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            value = "";
            return false;
        }
    }
}
