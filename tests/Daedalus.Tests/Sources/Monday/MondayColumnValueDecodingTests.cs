using Daedalus.Sources;
using Daedalus.Sources.Monday;

namespace Daedalus.Tests.Sources.Monday;

/// <summary>
/// Each column type at its edges, with cells shaped as API 2026-10 sends them (the connect boards, dependency,
/// subtasks, mirror and formula cells carry text null and value null; their content is in the fragment fields).
/// </summary>
public sealed class MondayColumnValueDecodingTests
{
    private static object? Decode(string mondayType, MondayColumnValue cell) =>
        MondayColumnValueFlattener.Convert(mondayType, MondayColumnValueFlattener.TypeOf(mondayType), cell);

    [Fact]
    public void A_connect_boards_cell_is_its_linked_item_ids_with_the_display_value()
    {
        var cell = new MondayColumnValue("connect_boards", "board_relation", null, null, DisplayValue: "Acme Corp, Globex", LinkedItemIds: ["9876543210", "1234567891"]);

        Assert.Equal(ColumnType.Json, MondayColumnValueFlattener.TypeOf("board_relation"));
        Assert.Equal("{\"linked_item_ids\":[\"9876543210\",\"1234567891\"],\"display_value\":\"Acme Corp, Globex\"}", Decode("board_relation", cell));
    }

    [Fact]
    public void A_cleared_connect_boards_cell_is_null()
    {
        Assert.Null(Decode("board_relation", new("connect_boards", "board_relation", null, null, DisplayValue: "", LinkedItemIds: [])));
    }

    [Fact]
    public void A_connect_boards_cell_without_its_fragment_fails_naming_the_missing_field_instead_of_landing_null()
    {
        var error = Assert.Throws<FormatException>(() => Decode("board_relation", new("connect_boards", "board_relation", null, null)));

        Assert.Contains("linked_item_ids", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Linked_ids_that_are_not_item_ids_fail_without_quoting_them()
    {
        var error = Assert.Throws<FormatException>(() => Decode("board_relation", new("c", "board_relation", null, null, DisplayValue: "x", LinkedItemIds: ["12a-secret"])));

        Assert.DoesNotContain("12a-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dependency_and_subtasks_cells_read_their_fragments()
    {
        Assert.Equal("{\"linked_item_ids\":[\"5000000013\"],\"display_value\":\"Task 1\"}", Decode("dependency", new("dependent_on", "dependency", null, null, DisplayValue: "Task 1", LinkedItemIds: ["5000000013"])));
        Assert.Null(Decode("dependency", new("dependent_on", "dependency", null, null, DisplayValue: "", LinkedItemIds: [])));
        Assert.Equal("{\"subitems_ids\":[\"6000000001\",\"6000000002\"],\"display_value\":\"Sub 1, Sub 2\"}", Decode("subtasks", new("subitems", "subtasks", null, null, DisplayValue: "Sub 1, Sub 2", SubitemsIds: ["6000000001", "6000000002"])));
        Assert.Null(Decode("subtasks", new("subitems", "subtasks", null, null, DisplayValue: "", SubitemsIds: [])));
        Assert.Throws<FormatException>(() => Decode("subtasks", new("subitems", "subtasks", null, null)));
    }

    [Fact]
    public void Mirror_and_formula_cells_are_their_display_value()
    {
        Assert.Equal(ColumnType.Text, MondayColumnValueFlattener.TypeOf("mirror"));
        Assert.Equal("Gold, Silver", Decode("mirror", new("mirror", "mirror", null, null, DisplayValue: "Gold, Silver")));
        Assert.Null(Decode("mirror", new("mirror", "mirror", null, null, DisplayValue: "")));
        Assert.Throws<FormatException>(() => Decode("mirror", new("mirror", "mirror", null, null)));

        Assert.Equal("12345678901234567890.123456789", Decode("formula", new("formula", "formula", null, null, DisplayValue: "12345678901234567890.123456789")));
        Assert.Null(Decode("formula", new("formula", "formula", null, null, DisplayValue: "")));
        Assert.Null(Decode("formula", new("formula", "formula", null, null)));
    }

    [Fact]
    public void Button_and_item_id_cells_fall_back_to_their_typed_fields()
    {
        Assert.Equal("Click Here", Decode("button", new("button", "button", null, null, Label: "Click Here")));
        Assert.Equal("Click Here", Decode("button", new("button", "button", "Click Here", "{\"clicks\":1}")));
        Assert.Equal("5000000013", Decode("item_id", new("item_id", "item_id", null, null, ItemId: "5000000013")));
        Assert.Equal("5000000013", Decode("item_id", new("item_id", "item_id", "5000000013", null)));
    }

    [Theory]
    [InlineData("\"12345678901234567890.123456789\"", "12345678901234567890.123456789")]
    [InlineData("12345678901234567890.123456789", "12345678901234567890.123456789")]
    [InlineData("\"79228162514264337593543950335\"", "79228162514264337593543950335")]
    public void Numbers_with_many_digits_that_decimal_holds_are_exact_decimals(string value, string expected)
    {
        // 29 significant digits: still a System.Decimal, every digit kept (a double would keep 15-17).
        var decoded = Assert.IsType<decimal>(Decode("numbers", new("numbers", "numbers", expected, value)));

        Assert.Equal(expected, decoded.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("\"123456789012345678901234567890.123456789\"", "123456789012345678901234567890.123456789")]
    [InlineData("\"-0.000000000000000000000000000001\"", "-0.000000000000000000000000000001")]
    [InlineData("123456789012345678901234567890.123456789", "123456789012345678901234567890.123456789")]
    [InlineData("\"1E+40\"", "10000000000000000000000000000000000000000")]
    public void Numbers_beyond_decimal_keep_every_digit(string value, string expected)
    {
        var decoded = Decode("numbers", new("numbers", "numbers", expected, value));

        Assert.Equal(new NumericText(expected), decoded);
    }

    [Fact]
    public void Numbers_that_fit_are_exact_decimals_with_their_scale()
    {
        var decoded = Assert.IsType<decimal>(Decode("numbers", new("numbers", "numbers", "0.10", "\"0.10\"")));

        Assert.Equal("0.10", decoded.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1234567890123456789012345678m, Decode("numbers", new("numbers", "numbers", "", "\"1234567890123456789012345678\"")));
    }

    [Fact]
    public void Cleared_cells_are_null()
    {
        Assert.Null(Decode("numbers", new("numbers", "numbers", "", null)));
        Assert.Null(Decode("numbers", new("numbers", "numbers", "", "\"\"")));
        Assert.Null(Decode("date", new("date4", "date", "", null)));
        Assert.Null(Decode("date", new("date4", "date", "", "{\"date\":\"\",\"changed_at\":\"2026-10-01T10:00:00.000Z\"}")));
        Assert.Null(Decode("rating", new("rating", "rating", "", null)));
        Assert.Null(Decode("hour", new("hour", "hour", "", null)));
        Assert.Null(Decode("people", new("person", "people", "", null)));
        Assert.Null(Decode("status", new("status", "status", null, null)));
        Assert.Equal(false, Decode("checkbox", new("checkbox", "checkbox", "", null)));
        Assert.Null(MondayColumnValueFlattener.Convert("numbers", ColumnType.Decimal, null));
    }

    [Fact]
    public void Dates_are_exact_calendar_days_and_the_time_of_day_does_not_move_them()
    {
        Assert.Equal(new DateOnly(2026, 10, 1), Decode("date", new("date4", "date", "2026-10-01", "{\"date\":\"2026-10-01\",\"changed_at\":\"2026-10-01T08:00:00.000Z\"}")));
        Assert.Equal(new DateOnly(2026, 10, 1), Decode("date", new("date4", "date", "2026-10-01 23:30", "{\"date\":\"2026-10-01\",\"time\":\"23:30:00\"}")));
        Assert.Equal(new DateOnly(1, 1, 1), Decode("date", new("date4", "date", "0001-01-01", "{\"date\":\"0001-01-01\"}")));
        Assert.Equal(new DateOnly(9999, 12, 31), Decode("date", new("date4", "date", "9999-12-31", "{\"date\":\"9999-12-31\"}")));
        Assert.Equal(new DateOnly(2026, 10, 1), Decode("date", new("date4", "date", "2026-10-01", null)));
    }

    [Theory]
    [InlineData("numbers", "n/a", "\"n/a\"")]
    [InlineData("numbers", "1,5", "\"1,5\"")]
    [InlineData("numbers", "", "{\"number\":1}")]
    [InlineData("numbers", "", "not json at all")]
    [InlineData("date", "", "{\"date\":\"2026-02-30\"}")]
    [InlineData("date", "", "{\"date\":\"01/10/2026\"}")]
    [InlineData("date", "", "{\"date\":20261001}")]
    [InlineData("checkbox", "", "{\"checked\":\"yes\"}")]
    [InlineData("rating", "", "{\"rating\":\"four\"}")]
    [InlineData("hour", "", "{\"hour\":25,\"minute\":0}")]
    [InlineData("people", "", "{\"personsAndTeams\":[")]
    public void Cells_that_do_not_decode_fail_without_quoting_the_value(string mondayType, string text, string value)
    {
        var error = Assert.ThrowsAny<Exception>(() => Decode(mondayType, new("c", mondayType, text, value)));

        Assert.True(error is FormatException or OverflowException, error.GetType().Name);
        Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
        if (text.Length > 0)
        {
            Assert.DoesNotContain(text, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_layout_names_stream_board_and_column_when_a_cell_does_not_decode()
    {
        var layout = MondayBoardLayout.Create("projects", "1234567890", MondayFixtures.Columns, nameById: false);
        var item = new MondayItem("5000000013", "Task", "active", DateTimeOffset.UnixEpoch, new MondayGroup("topics"), [new("numbers", "numbers", "secret-7", "\"secret-7\"")]);

        // The row is refused (quarantined with this reason), the stream goes on; the cell is not kept in the row.
        var record = layout.ToRecord(item);

        Assert.NotNull(record.Rejected);
        Assert.Contains("stream projects", record.Rejected, StringComparison.Ordinal);
        Assert.Contains("column budget (monday column numbers, type numbers)", record.Rejected, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-7", record.Rejected, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-7", record.Values.OfType<string>());
    }
}
