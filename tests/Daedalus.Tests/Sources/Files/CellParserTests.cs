using Daedalus.Sources;
using Daedalus.Sources.Files;

namespace Daedalus.Tests.Sources.Files;

/// <summary>A CSV or JSON Lines cell lands as the file holds it or is refused with a reason, never as another value.</summary>
public sealed class CellParserTests
{
    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    [InlineData("1e-400")]
    public void A_double_past_double_range_is_refused_not_turned_into_infinity_or_zero(string cell)
    {
        var value = CellParser.Parse(cell, ColumnType.Double, out var problem);

        Assert.Null(value);
        Assert.NotNull(problem);
    }

    [Theory]
    [InlineData("NaN", double.NaN)]
    [InlineData("Infinity", double.PositiveInfinity)]
    [InlineData("-Infinity", double.NegativeInfinity)]
    [InlineData("1.7976931348623157e308", double.MaxValue)]
    [InlineData("4.9e-324", double.Epsilon)]
    [InlineData("0e10", 0d)]
    public void A_double_written_as_such_lands_as_such(string cell, double expected)
    {
        Assert.Equal(expected, CellParser.Parse(cell, ColumnType.Double, out var problem));
        Assert.Null(problem);
    }

    [Fact]
    public void A_code_with_a_leading_zero_past_the_sample_is_not_turned_into_a_smaller_number()
    {
        // The sample holds zip codes without a leading zero: the column is inferred integer.
        var guess = new ColumnTypeGuess();
        guess.AddText("94105");
        guess.AddText("60601");
        Assert.Equal(ColumnType.Integer, guess.Result);

        var value = CellParser.Parse("02134", guess.Result, out var problem);

        Assert.Null(value);
        Assert.Contains("leading zero", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("007", ColumnType.Integer)]
    [InlineData("-007", ColumnType.Integer)]
    [InlineData("00", ColumnType.Integer)]
    [InlineData("0123.50", ColumnType.Decimal)]
    [InlineData("+00.5", ColumnType.Decimal)]
    public void A_number_with_a_leading_zero_is_refused_in_a_declared_column_too(string cell, ColumnType type)
    {
        Assert.Null(CellParser.Parse(cell, type, out var problem));
        Assert.Contains("leading zero", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", ColumnType.Integer, 0L)]
    [InlineData("-0", ColumnType.Integer, 0L)]
    [InlineData("10", ColumnType.Integer, 10L)]
    public void A_zero_that_is_the_whole_number_is_not_a_leading_zero(string cell, ColumnType type, object expected)
    {
        Assert.Equal(expected, CellParser.Parse(cell, type, out var problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("0.5", "0.5")]
    [InlineData("-0.25", "-0.25")]
    [InlineData("0e3", "0")]
    public void A_decimal_below_one_is_not_a_leading_zero(string cell, string expected)
    {
        var value = CellParser.Parse(cell, ColumnType.Decimal, out var problem);

        Assert.Null(problem);
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture));
    }
}
