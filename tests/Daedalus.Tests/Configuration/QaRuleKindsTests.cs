using Daedalus.Configuration;

namespace Daedalus.Tests.Configuration;

/// <summary>QA rules are a closed set: every kind has exactly one config name, and only that exact name parses.</summary>
public sealed class QaRuleKindsTests
{
    [Fact]
    public void Every_kind_has_one_name_that_parses_back_to_it()
    {
        Assert.Equal(Enum.GetValues<QaRuleKind>().Length, QaRuleKinds.Names.Count);
        Assert.All(Enum.GetValues<QaRuleKind>(), kind => Assert.Equal(kind, QaRuleKinds.Parse(kind.Name())));
        Assert.Equal(["not_null", "matches", "range", "one_of", "max_length"], QaRuleKinds.Names);
    }

    [Theory]
    [InlineData("Not_Null")]
    [InlineData("NOT_NULL")]
    [InlineData("notnull")]
    [InlineData("not_null ")]
    [InlineData("0")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_but_the_exact_name_is_not_a_rule(string? name) => Assert.Null(QaRuleKinds.Parse(name));

    [Fact]
    public void An_unknown_rule_is_refused_at_its_path_naming_the_known_ones()
    {
        var source = Daedalus.Sources.Sample.SampleSourceDefinition.Create("qa", 10, "qa");
        source.Streams[0].Qa.Add(new QaRuleDefinition { Column = "name", Rule = "NotNull" });
        var errors = new SourceDefinitionValidator(new Daedalus.Sources.SourcePluginRegistry([new Daedalus.Sources.Sample.SampleSourcePlugin()])).Validate(source, "sources.qa");
        var error = Assert.Single(errors, e => e.Path.EndsWith(".rule", StringComparison.Ordinal));
        Assert.Contains("not_null, matches, range, one_of, max_length", error.Message, StringComparison.Ordinal);
    }
}
