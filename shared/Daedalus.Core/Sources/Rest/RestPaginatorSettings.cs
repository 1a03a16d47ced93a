namespace Daedalus.Sources.Rest;

/// <summary>
/// <c>settings.paginator</c> of a stream. Every kind stops on an empty page and when <see cref="HasMorePath"/>
/// (e.g. Stripe's <c>has_more</c>) is false; links and cursors stop when absent or empty; offset stops at
/// <see cref="TotalPath"/> records and page numbers at <see cref="TotalPath"/> pages when given. A short page does not
/// stop anything (servers cap page sizes below what was asked).
/// </summary>
public sealed record RestPaginatorSettings(
    RestPaginatorKind Kind,
    string[] NextUrlPath,
    string Rel,
    string[] CursorPath,
    string CursorParam,
    string OffsetParam,
    string LimitParam,
    long? Limit,
    string PageParam,
    long BasePage,
    string[] TotalPath,
    string[] HasMorePath)
{
    private static readonly Dictionary<string, RestPaginatorKind> Kinds = new()
    {
        ["single_page"] = RestPaginatorKind.SinglePage,
        ["json_link"] = RestPaginatorKind.JsonLink,
        ["header_link"] = RestPaginatorKind.HeaderLink,
        ["cursor"] = RestPaginatorKind.Cursor,
        ["offset"] = RestPaginatorKind.Offset,
        ["page_number"] = RestPaginatorKind.PageNumber,
    };

    internal static RestPaginatorSettings From(RestSettingReader reader)
    {
        var kind = reader.Choice("paginator.type", RestPaginatorKind.SinglePage, Kinds);
        var nextUrl = RestJsonPath.Parse(reader.Text("paginator.nextUrlPath") ?? "next");
        var cursorPathText = reader.Text("paginator.cursorPath");
        if (kind == RestPaginatorKind.Cursor && cursorPathText is null)
        {
            reader.Error("paginator.cursorPath", "required for a cursor paginator (where the body holds the next token, e.g. meta.next_cursor)");
        }

        var limitText = reader.Text("paginator.limit");
        long? limit = limitText is null ? null : reader.Number("paginator.limit", 100, 1, 1_000_000);
        if (kind == RestPaginatorKind.Offset && limit is null)
        {
            reader.Error("paginator.limit", "required for an offset paginator (the page size to ask for)");
        }

        return new RestPaginatorSettings(
            kind,
            nextUrl,
            reader.Text("paginator.rel") ?? "next",
            RestJsonPath.Parse(cursorPathText ?? ""),
            reader.Text("paginator.cursorParam") ?? "cursor",
            reader.Text("paginator.offsetParam") ?? "offset",
            reader.Text("paginator.limitParam") ?? (kind == RestPaginatorKind.PageNumber ? "per_page" : "limit"),
            limit,
            reader.Text("paginator.pageParam") ?? "page",
            reader.Number("paginator.basePage", 1, 0, 1),
            RestJsonPath.Parse(reader.Text("paginator.totalPath") ?? ""),
            RestJsonPath.Parse(reader.Text("paginator.hasMorePath") ?? ""));
    }
}
