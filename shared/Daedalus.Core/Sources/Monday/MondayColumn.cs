namespace Daedalus.Sources.Monday;

/// <summary>A board column as <c>boards { columns { id title type } }</c> returns it.</summary>
public sealed record MondayColumn(string Id, string Title, string Type);
