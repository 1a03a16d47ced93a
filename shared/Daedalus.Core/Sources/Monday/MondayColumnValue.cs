namespace Daedalus.Sources.Monday;

/// <summary>
/// One cell: <c>text</c> is the display string (<c>""</c> when empty), <c>value</c> the raw value as JSON text
/// (<c>null</c> when empty).
/// </summary>
public sealed record MondayColumnValue(string Id, string? Type, string? Text, string? Value);
