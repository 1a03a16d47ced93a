namespace Daedalus.Sources.Monday;

/// <summary>The GraphQL documents the plugin sends. Every one asks for <c>complexity</c> so the budget is watched.</summary>
public static class MondayQueries
{
    private const string Complexity = "complexity { before after reset_in_x_seconds }";

    private const string ItemFields = "id name state updated_at group { id } column_values { id type text value }";

    public const string BoardColumns =
        $"query ($board: [ID!]) {{ {Complexity} boards(ids: $board) {{ id name columns {{ id title type }} }} }}";

    public const string FirstPage =
        $"query ($board: [ID!], $limit: Int!, $params: ItemsQuery) {{ {Complexity} boards(ids: $board) {{ items_page(limit: $limit, query_params: $params) {{ cursor items {{ {ItemFields} }} }} }} }}";

    public const string NextPage =
        $"query ($cursor: String!, $limit: Int!) {{ {Complexity} next_items_page(cursor: $cursor, limit: $limit) {{ cursor items {{ {ItemFields} }} }} }}";
}
