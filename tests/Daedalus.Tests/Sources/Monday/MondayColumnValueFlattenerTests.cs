using Daedalus.Sources;
using Daedalus.Sources.Monday;

namespace Daedalus.Tests.Sources.Monday;

public sealed class MondayColumnValueFlattenerTests
{
    [Theory]
    [InlineData("numbers", ColumnType.Decimal)]
    [InlineData("date", ColumnType.Date)]
    [InlineData("checkbox", ColumnType.Boolean)]
    [InlineData("rating", ColumnType.Integer)]
    [InlineData("hour", ColumnType.Time)]
    [InlineData("people", ColumnType.Json)]
    [InlineData("timeline", ColumnType.Json)]
    [InlineData("status", ColumnType.Text)]
    [InlineData("long_text", ColumnType.Text)]
    [InlineData("formula", ColumnType.Text)]
    public void Monday_types_map_to_column_types(string mondayType, ColumnType expected) =>
        Assert.Equal(expected, MondayColumnValueFlattener.TypeOf(mondayType));

    [Fact]
    public void Values_parse_from_the_value_json_with_text_as_fallback()
    {
        Assert.Equal(12.5m, MondayColumnValueFlattener.Convert("numbers", ColumnType.Decimal, new("n", "numbers", "12.5", "\"12.5\"")));
        Assert.Equal(-3m, MondayColumnValueFlattener.Convert("numbers", ColumnType.Decimal, new("n", "numbers", "-3", null)));
        Assert.Equal(new DateOnly(2026, 6, 19), MondayColumnValueFlattener.Convert("date", ColumnType.Date, new("d", "date", "2026-06-19", "{\"date\":\"2026-06-19\",\"time\":null}")));
        Assert.Equal(true, MondayColumnValueFlattener.Convert("checkbox", ColumnType.Boolean, new("c", "checkbox", "v", "{\"checked\":\"true\"}")));
        Assert.Equal(false, MondayColumnValueFlattener.Convert("checkbox", ColumnType.Boolean, new("c", "checkbox", "", null)));
        Assert.Equal(4L, MondayColumnValueFlattener.Convert("rating", ColumnType.Integer, new("r", "rating", "4", "{\"rating\":4}")));
        Assert.Equal(new TimeOnly(9, 30), MondayColumnValueFlattener.Convert("hour", ColumnType.Time, new("h", "hour", "09:30", "{\"hour\":9,\"minute\":30}")));
        Assert.Equal("{\"from\":\"2026-01-01\"}", MondayColumnValueFlattener.Convert("timeline", ColumnType.Json, new("t", "timeline", "2026-01-01", "{\"from\":\"2026-01-01\"}")));
        Assert.Null(MondayColumnValueFlattener.Convert("status", ColumnType.Text, new("s", "status", "", null)));
        Assert.Null(MondayColumnValueFlattener.Convert("people", ColumnType.Json, new("p", "people", "", "null")));
    }

    [Fact]
    public void Layout_skips_the_name_column_and_deduplicates_titles()
    {
        var layout = MondayBoardLayout.Create("projects", "1", MondayFixtures.Columns, nameById: false);

        Assert.Equal(
            ["id", "name", "group_id", "state", "updated_at", "status", "notes", "budget", "due_date", "done", "priority", "start_time", "owner", "timeline", "email", "status_status_1",
                "client", "client_tier", "score", "blocked_by", "subitems"],
            layout.Schema.Columns.Select(c => c.Name));
        Assert.Equal(["id"], layout.Schema.PrimaryKey);
        Assert.Equal("updated_at", layout.Schema.CursorField);
        Assert.Equal("date4", MondayBoardLayout.Create("projects", "1", MondayFixtures.Columns, nameById: true).Schema.Columns[8].Name);
    }

    [Fact]
    public void Cursor_round_trips_and_accepts_a_hand_set_timestamp()
    {
        var cursor = new MondayCursor(DateTimeOffset.Parse("2026-06-19T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), "abc", DateTimeOffset.UnixEpoch, null);
        Assert.Equal(cursor, MondayCursor.Parse(cursor.ToJson()));
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero), MondayCursor.Parse("2026-06-01T00:00:00Z")!.Watermark);
        Assert.Throws<SourceException>(() => MondayCursor.Parse("yesterday"));
    }

    [Fact]
    public void Validate_names_every_bad_setting()
    {
        var source = new Daedalus.Configuration.SourceDefinition
        {
            Name = "m",
            Plugin = "monday",
            Settings = { ["apiVersion"] = "2026-05", ["pageSize"] = "900", ["apiUrl"] = "ftp://x" },
        };
        source.Streams.Add(new Daedalus.Configuration.StreamDefinition { Name = "b" });
        source.Streams.Add(new Daedalus.Configuration.StreamDefinition { Name = "c", Settings = { ["boardId"] = "12a", ["columnNames"] = "label" } });

        var errors = new MondaySourcePlugin().Validate(source).ToList();

        Assert.Contains(errors, e => e.StartsWith("settings.apiVersion", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("settings.pageSize", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("settings.apiUrl", StringComparison.Ordinal));
        Assert.Contains("streams.b.settings.boardId: is required", errors);
        Assert.Contains(errors, e => e.StartsWith("streams.c.settings.boardId", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("streams.c.settings.columnNames", StringComparison.Ordinal));
    }
}
