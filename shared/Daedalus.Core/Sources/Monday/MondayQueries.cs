namespace Daedalus.Sources.Monday;

/// <summary>The GraphQL documents the plugin sends. Every one asks for <c>complexity</c> so the budget is watched.</summary>
public static class MondayQueries
{
    private const string Complexity = "complexity { before after reset_in_x_seconds }";

    /// <summary>
    /// The typed fields of the columns whose <c>text</c>/<c>value</c> say nothing (or not everything) in API
    /// 2025-04+: without these fragments a connect boards, dependency, subtasks, mirror or formula cell reads
    /// as <c>text: null, value: null</c>. Every <c>display_value</c> is <c>String!</c> and both
    /// <c>linked_item_ids</c> are <c>[ID!]!</c>, so the fragments merge without aliases.
    /// </summary>
    public const string ColumnValueFragments =
        "... on BoardRelationValue { linked_item_ids display_value } "
        + "... on DependencyValue { linked_item_ids display_value } "
        + "... on SubtasksValue { subitems_ids display_value } "
        + "... on MirrorValue { display_value } "
        + "... on FormulaValue { display_value } "
        + "... on ButtonValue { label } "
        + "... on ItemIdValue { item_id }";

    private const string ItemFields = $"id name state updated_at group {{ id }} column_values {{ id type text value {ColumnValueFragments} }}";

    public const string BoardColumns =
        $"query ($board: [ID!]) {{ {Complexity} boards(ids: $board) {{ id name columns {{ id title type }} }} }}";

    public const string FirstPage =
        $"query ($board: [ID!], $limit: Int!, $params: ItemsQuery) {{ {Complexity} boards(ids: $board) {{ items_page(limit: $limit, query_params: $params) {{ cursor items {{ {ItemFields} }} }} }} }}";

    public const string NextPage =
        $"query ($cursor: String!, $limit: Int!) {{ {Complexity} next_items_page(cursor: $cursor, limit: $limit) {{ cursor items {{ {ItemFields} }} }} }}";
}
