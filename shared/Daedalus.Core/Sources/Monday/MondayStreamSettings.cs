using Daedalus.Configuration;

namespace Daedalus.Sources.Monday;

/// <summary>One stream = one board: <c>boardId</c> (required) and how board columns are named.</summary>
public sealed record MondayStreamSettings(string BoardId, bool NameColumnsById)
{
    private static readonly Dictionary<string, bool> Naming = new() { ["title"] = false, ["id"] = true };

    public static MondayStreamSettings From(StreamDefinition stream, List<string>? errors = null)
    {
        var settings = PluginSettings.Of(stream, errors);
        var boardId = settings.Text("boardId") ?? "";
        if (boardId.Length == 0)
        {
            settings.Error("boardId", "is required");
        }
        else if (boardId.Length > 20 || !boardId.All(char.IsAsciiDigit))
        {
            settings.Error("boardId", $"{ErrorText.Quote(boardId)} is not a monday board id (digits only)");
        }

        var byId = settings.Choice("columnNames", false, Naming);
        settings.RefuseUnknown();
        return new MondayStreamSettings(boardId, byId);
    }
}
