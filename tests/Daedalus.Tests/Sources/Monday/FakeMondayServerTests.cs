using System.Net.Http.Json;
using System.Text.Json;

namespace Daedalus.Tests.Sources.Monday;

/// <summary>The fake answers computed columns the way API 2025-04+ does: nothing in text/value, content only in requested fragments.</summary>
public sealed class FakeMondayServerTests
{
    private const string Page = "query ($board: [ID!], $limit: Int!) { boards(ids: $board) { items_page(limit: $limit) { cursor items { id column_values { id type text value {0} } } } } }";

    [Fact]
    public async Task Connect_boards_cells_carry_content_only_in_the_fragment_fields_the_query_asks_for()
    {
        var plain = await ClientCellAsync("");
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("text").ValueKind);
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("value").ValueKind);
        Assert.False(plain.TryGetProperty("linked_item_ids", out _));

        var typed = await ClientCellAsync("... on BoardRelationValue { linked_item_ids }");
        Assert.Equal(JsonValueKind.Array, typed.GetProperty("linked_item_ids").ValueKind);
        Assert.Equal(JsonValueKind.String, typed.GetProperty("linked_item_ids")[0].ValueKind);
        Assert.False(typed.TryGetProperty("display_value", out _));
    }

    [Theory]
    [InlineData("... on RelationValue { linked_item_ids }", "Unknown type")]
    [InlineData("... on MirrorValue { linked_item_ids }", "Cannot query field")]
    public async Task Fragments_on_unknown_types_or_fields_are_refused(string fragment, string message)
    {
        var body = await PostAsync(fragment);

        Assert.Contains(message, body.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> ClientCellAsync(string fragment)
    {
        var body = await PostAsync(fragment);
        var item = body.GetProperty("data").GetProperty("boards")[0].GetProperty("items_page").GetProperty("items")[1];
        return item.GetProperty("column_values").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "connect_boards");
    }

    private static async Task<JsonElement> PostAsync(string fragment)
    {
        await using var server = await FakeMondayServer.StartAsync(MondayFixtures.Items(3));
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Url)
        {
            Content = JsonContent.Create(new { query = Page.Replace("{0}", fragment, StringComparison.Ordinal), variables = new { board = new[] { MondayFixtures.BoardId }, limit = 3 } }),
        };
        request.Headers.TryAddWithoutValidation("Authorization", server.Token);
        using var response = await http.SendAsync(request);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
