namespace Daedalus.Sources.Monday;

/// <summary>
/// One cell as <c>column_values</c> returns it. <c>text</c> is the display string (<c>""</c> when empty) and
/// <c>value</c> the raw value as JSON text (<c>null</c> when empty). Columns computed from other items carry
/// neither (API 2025-04 and later: <c>text</c> and <c>value</c> are always <c>null</c> for connect boards,
/// dependency, subtasks, mirror and formula columns); their content comes from the typed fragment fields
/// below, which are <c>null</c> here unless the query asked for them on the cell's implementation type.
/// </summary>
/// <param name="Id">The board column id (e.g. <c>connect_boards</c>).</param>
/// <param name="Type">The column type (e.g. <c>board_relation</c>).</param>
/// <param name="Text">Display text, <c>""</c> when empty; <c>null</c> for the computed columns above.</param>
/// <param name="Value">Raw value as JSON text, <c>null</c> when empty or computed.</param>
/// <param name="DisplayValue">
/// <c>BoardRelationValue</c>/<c>DependencyValue</c>/<c>SubtasksValue</c>: the linked items' names joined by
/// commas; <c>MirrorValue</c>: the mirrored content as text; <c>FormulaValue</c>: the formula's result as text.
/// </param>
/// <param name="LinkedItemIds"><c>BoardRelationValue</c>/<c>DependencyValue</c>: the linked item ids (strings of digits).</param>
/// <param name="SubitemsIds"><c>SubtasksValue</c>: the subitem ids.</param>
/// <param name="Label"><c>ButtonValue</c>: the button's label.</param>
/// <param name="ItemId"><c>ItemIdValue</c>: the item's id.</param>
public sealed record MondayColumnValue(
    string Id,
    string? Type,
    string? Text,
    string? Value,
    string? DisplayValue = null,
    IReadOnlyList<string>? LinkedItemIds = null,
    IReadOnlyList<string>? SubitemsIds = null,
    string? Label = null,
    string? ItemId = null);
