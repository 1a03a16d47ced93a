using System.Text.Json;
using Daedalus.Client;
using Daedalus.Sources;

namespace Daedalus.Tests.Api;

/// <summary>
/// The client's exact number: canonical text for every spelling of a value, a decimal only when no digit is lost, and a
/// JSON number with every digit both ways.
/// </summary>
public sealed class ExactNumberTests
{
    [Theory]
    [InlineData("0", "0")]
    [InlineData("-0", "0")]
    [InlineData("-0.000", "0.000")]
    [InlineData("007.50", "7.50")]
    [InlineData("+1.5E+3", "1500")]
    [InlineData("1.5e-3", "0.0015")]
    [InlineData(".5", "0.5")]
    [InlineData("5.", "5")]
    [InlineData(" -12.25 ", "-12.25")]
    [InlineData("123456789012345678901234567890123456789.123456789", "123456789012345678901234567890123456789.123456789")]
    public void Every_spelling_of_a_number_has_one_canonical_text(string text, string canonical) =>
        Assert.Equal(canonical, ExactNumber.Parse(text).Text);

    [Fact]
    public void Equality_is_the_canonical_text_default_included()
    {
        Assert.Equal(default, ExactNumber.Parse("-0"));
        Assert.Equal(default(ExactNumber).GetHashCode(), ExactNumber.Parse("0").GetHashCode());
        Assert.Equal((ExactNumber)0L, default);
        Assert.Equal(ExactNumber.Parse("1.5E+0"), (ExactNumber)1.5m);
        Assert.NotEqual(ExactNumber.Parse("1.5"), ExactNumber.Parse("1.50"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1,000")]
    [InlineData("1.2.3")]
    [InlineData("0x10")]
    [InlineData("1e")]
    [InlineData("1e999999")]
    public void Anything_but_a_finite_decimal_is_refused(string text)
    {
        Assert.Throws<FormatException>(() => ExactNumber.Parse(text));
        Assert.False(ExactNumber.TryParse(text, out _));
    }

    [Theory]
    [InlineData("79228162514264337593543950335", true)]
    [InlineData("79228162514264337593543950336", false)]
    [InlineData("-79228162514264337593543950335", true)]
    [InlineData("0.0000000000000000000000000001", true)]
    [InlineData("0.00000000000000000000000000001", false)]
    [InlineData("1.50", true)]
    [InlineData("12345678901234567890123456789.75", false)]
    public void A_decimal_is_given_only_when_it_keeps_every_digit(string text, bool fits)
    {
        var number = ExactNumber.Parse(text);
        Assert.Equal(fits, number.TryGetDecimal(out var value));
        if (fits)
        {
            Assert.Equal(text, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(value, number.ToDecimal());
        }
        else
        {
            Assert.Throws<OverflowException>(() => number.ToDecimal());
        }
    }

    [Theory]
    [InlineData("12345678901234567890123456789.75")]
    [InlineData("-0.00000000000000000000000000000003")]
    [InlineData("1.50")]
    public void On_the_wire_it_is_a_JSON_number_with_every_digit(string text)
    {
        var json = JsonSerializer.Serialize(new { value = (ExactNumber?)ExactNumber.Parse(text) });
        Assert.Equal($$"""{"value":{{text}}}""", json);
        Assert.Equal(text, JsonSerializer.Deserialize<Holder>(json, JsonSerializerOptions.Web)!.Value?.Text);
        Assert.Null(JsonSerializer.Deserialize<Holder>("""{"value":null}""", JsonSerializerOptions.Web)!.Value);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Holder>($$"""{"value":"{{text}}"}""", JsonSerializerOptions.Web));
    }

    [Fact]
    public void The_ingest_parser_keeps_its_limits_on_the_same_canonical_text()
    {
        Assert.Equal(new NumericText("12345678901234567890123456789.75"), NumericText.Parse("1234567890123456789012345678975E-2"));
        Assert.Equal(12.50m, NumericText.Parse("12.50"));
        Assert.Throws<OverflowException>(() => NumericText.Parse("1e131073"));
        Assert.Throws<OverflowException>(() => NumericText.Parse("1e-16384"));
    }

    [Fact]
    public void The_ingest_parser_answers_every_short_plain_number_as_its_canonical_decimal()
    {
        // The short path (plain, at most 28 digits) must answer what the canonical path would: same digits, same scale.
        var random = new Random(20261201);
        for (var n = 0; n < 20_000; n++)
        {
            var digits = new string(Enumerable.Range(0, random.Next(1, 29)).Select(_ => (char)('0' + random.Next(10))).ToArray());
            var point = random.Next(-1, digits.Length + 1);
            var text = (random.Next(4) switch { 0 => "-", 1 => "+", _ => "" }) + (point < 0 ? digits : digits.Insert(point, "."));
            var canonical = ExactNumber.Parse(text).Text;
            var parsed = NumericText.Parse(text);
            var number = Assert.IsType<decimal>(parsed);
            Assert.Equal(canonical, number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal("0.00", ((decimal)NumericText.Parse("-0.00")).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new NumericText("0.12345678901234567890123456789"), NumericText.Parse("0.12345678901234567890123456789"));
    }

    private sealed record Holder(ExactNumber? Value);
}
