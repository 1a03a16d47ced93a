using System.Text.Json;
using Daedalus.Sources.Monday;

namespace Daedalus.Tests.Sources.Monday;

/// <summary>
/// An items page is read item by item: one item .NET cannot read as monday sent it (a name with an unpaired surrogate
/// escape, as JavaScript's JSON.stringify writes half an emoji; an updated_at finer than microseconds) goes to
/// quarantine, and the page's other items still load.
/// </summary>
public sealed class MondayItemsPageTests
{
    [Fact]
    public void A_page_with_one_item_name_holding_an_unpaired_surrogate_still_yields_the_other_items()
    {
        using var page = JsonDocument.Parse("""
            {"cursor":"next","items":[
              {"id":"1","name":"fine","state":"active","updated_at":"2026-10-01T10:00:00Z","column_values":[]},
              {"id":"2","name":"cut emoji \ud83d","state":"active","updated_at":"2026-10-01T11:00:00Z","column_values":[]},
              {"id":"3","name":"emoji \ud83d\ude00","state":"active","updated_at":"2026-10-01T12:00:00Z","column_values":[]}]}
            """);

        var read = MondayApiClient.ReadPage(page.RootElement, "1234567890");

        Assert.Equal("next", read.Cursor);
        Assert.Equal(3, read.Items.Count);
        var layout = MondayBoardLayout.Create("projects", "1234567890", MondayFixtures.Columns, nameById: false);
        var records = read.Items.Select(layout.ToRecord).ToList();
        Assert.Null(records[0].Rejected);
        Assert.Equal("fine", records[0].Values[1]);
        Assert.Null(records[2].Rejected);
        Assert.Equal("emoji \U0001F600", records[2].Values[1]);

        // The bad item keeps its id and updated_at (the watermark still moves past it) and says why, quoting nothing.
        var reason = Assert.IsType<string>(records[1].Rejected);
        Assert.Contains("surrogate", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("cut emoji", reason, StringComparison.Ordinal);
        Assert.Equal(2L, records[1].Values[0]);
        Assert.Equal(new DateTimeOffset(2026, 10, 1, 11, 0, 0, TimeSpan.Zero), read.Items[1].UpdatedAt);
    }

    [Fact]
    public void A_cell_text_with_an_unpaired_surrogate_quarantines_only_its_item()
    {
        using var page = JsonDocument.Parse("""
            {"cursor":null,"items":[
              {"id":"1","name":"a","state":"active","updated_at":"2026-10-01T10:00:00Z","column_values":[{"id":"text","type":"text","text":"half \udc00 here","value":null}]},
              {"id":"2","name":"b","state":"active","updated_at":"2026-10-01T10:00:00Z","column_values":[]}]}
            """);

        var read = MondayApiClient.ReadPage(page.RootElement, "1234567890");

        Assert.Null(read.Cursor);
        Assert.NotNull(read.Items[0].Rejected);
        Assert.Null(read.Items[1].Rejected);
    }

    [Theory]
    [InlineData("2026-10-01T10:00:00.0000001Z", true)]
    [InlineData("2026-10-01T10:00:00.1234560Z", false)]
    public void An_updated_at_finer_than_microseconds_quarantines_its_item(string updatedAt, bool refused)
    {
        using var page = JsonDocument.Parse($$"""{"cursor":null,"items":[{"id":"1","name":"a","state":"active","updated_at":"{{updatedAt}}","column_values":[]}]}""");

        var item = Assert.Single(MondayApiClient.ReadPage(page.RootElement, "1234567890").Items);

        Assert.Equal(refused, item.Rejected is not null);
        Assert.Equal(refused, item.Rejected?.Contains("microsecond", StringComparison.Ordinal) ?? false);
    }
}
