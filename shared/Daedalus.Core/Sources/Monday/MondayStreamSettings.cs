using Daedalus.Configuration;

namespace Daedalus.Sources.Monday;

/// <summary>One stream = one board: <c>boardId</c> (required) and how board columns are named.</summary>
public sealed record MondayStreamSettings(string BoardId, bool NameColumnsById)
{
    public static MondayStreamSettings From(StreamDefinition stream, List<string>? errors = null)
    {
        var boardId = stream.Settings.TryGetValue("boardId", out var id) ? id.Trim() : "";
        if (boardId.Length == 0 || boardId.Length > 20 || !boardId.All(char.IsAsciiDigit))
        {
            errors?.Add($"streams.{stream.Name}.settings.boardId: {(boardId.Length == 0 ? "is required" : $"'{boardId}' is not a monday board id (digits only)")}");
        }

        var naming = stream.Settings.TryGetValue("columnNames", out var text) ? text.Trim().ToLowerInvariant() : "title";
        if (naming is not ("title" or "id"))
        {
            errors?.Add($"streams.{stream.Name}.settings.columnNames: '{text}' must be title or id");
        }

        return new MondayStreamSettings(boardId, naming == "id");
    }
}
