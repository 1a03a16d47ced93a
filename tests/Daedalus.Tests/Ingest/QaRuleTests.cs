using Daedalus.Configuration;
using Daedalus.Ingest;
using Daedalus.Sources;

namespace Daedalus.Tests.Ingest;

public sealed class QaRuleTests
{
    private static readonly StreamSchema Schema = new("t", [new("name", ColumnType.Text), new("amount", ColumnType.Decimal), new("status", ColumnType.Text)], ["name"], null);

    private static string? Check(QaRuleDefinition rule, params object?[] values) => QaRule.Bind(rule, Schema).Check(values);

    [Fact]
    public void Each_rule_passes_good_values_and_explains_bad_ones()
    {
        var notNull = new QaRuleDefinition { Column = "name", Rule = "not_null" };
        Assert.Null(Check(notNull, "x", 1m, "a"));
        Assert.Equal("name is empty", Check(notNull, "", 1m, "a"));
        Assert.Equal("name is empty", Check(notNull, null, 1m, "a"));

        var matches = new QaRuleDefinition { Column = "name", Rule = "matches", Pattern = "^[a-z]+$" };
        Assert.Null(Check(matches, "abc", 1m, "a"));
        Assert.Null(Check(matches, null, 1m, "a"));
        Assert.Equal("name does not match /^[a-z]+$/", Check(matches, "ABC", 1m, "a"));

        var range = new QaRuleDefinition { Column = "amount", Rule = "range", Min = 0, Max = 10 };
        Assert.Null(Check(range, "x", 10m, "a"));
        Assert.Equal("amount = -1 is outside [0, 10]", Check(range, "x", -1m, "a"));
        Assert.Equal("amount is not a number", Check(range, "x", "ten", "a"));

        var oneOf = new QaRuleDefinition { Column = "status", Rule = "one_of", Values = ["a", "b"] };
        Assert.Null(Check(oneOf, "x", 1m, "b"));
        Assert.Equal("status is not one of [a, b]", Check(oneOf, "x", 1m, "c"));

        var maxLength = new QaRuleDefinition { Column = "name", Rule = "max_length", Length = 3 };
        Assert.Null(Check(maxLength, "abc", 1m, "a"));
        Assert.Equal("name is 4 characters long (max 3)", Check(maxLength, "abcd", 1m, "a"));
    }

    [Fact]
    public void A_rule_on_an_unknown_column_is_a_config_error()
    {
        var error = Assert.Throws<ConfigException>(() => QaRule.Bind(new QaRuleDefinition { Column = "nope", Rule = "not_null" }, Schema));
        Assert.Contains("which stream t does not have", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("shiny")]
    [InlineData("NOT_NULL")]
    [InlineData("")]
    public void An_unknown_rule_that_reaches_ingest_fails_instead_of_passing_every_row(string rule)
    {
        var error = Assert.Throws<ConfigException>(() => QaRule.Bind(new QaRuleDefinition { Column = "name", Rule = rule }, Schema));
        Assert.Contains("is not a rule", error.Message, StringComparison.Ordinal);
    }
}
