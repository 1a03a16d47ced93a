using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Daedalus.Configuration;
using Daedalus.Sources;

namespace Daedalus.Ingest;

/// <summary>A QA rule bound to a column position, ready to run per row.</summary>
public sealed class QaRule
{
    // Compiling a regex costs milliseconds; rules are bound per batch, so share compiled patterns.
    private static readonly ConcurrentDictionary<string, Regex> Patterns = new(StringComparer.Ordinal);

    private readonly QaRuleDefinition _definition;
    private readonly int _index;
    private readonly Regex? _pattern;
    private readonly HashSet<string>? _values;

    private readonly QaRuleKind _kind;

    private QaRule(QaRuleDefinition definition, QaRuleKind kind, int index)
    {
        _definition = definition;
        _kind = kind;
        _index = index;
        if (kind == QaRuleKind.Matches)
        {
            _pattern = Patterns.GetOrAdd(definition.Pattern!, Compile);
        }

        if (kind == QaRuleKind.OneOf)
        {
            _values = new HashSet<string>(definition.Values, StringComparer.Ordinal);
        }

        Description = definition.Describe();
    }

    public string Description { get; }

    /// <summary>
    /// The compiled backtracking engine: several times faster per row than the linear-time one for the simple
    /// patterns QA rules use. Patterns come from the operator's config, and a pathological one cannot stall a
    /// batch: a match that runs past the timeout quarantines that row with the reason.
    /// </summary>
    private static Regex Compile(string pattern) =>
        new(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(2));

    public static QaRule Bind(QaRuleDefinition definition, StreamSchema schema)
    {
        // Validation refuses unknown rules on apply; a definition that reached ingest some other way (stored before
        // the rule set changed) must fail its batch, not pass every row unchecked.
        if (definition.Kind is not { } kind)
        {
            throw new ConfigException([new ConfigError($"streams.{schema.Name}.qa", $"{ErrorText.Quote(definition.Rule)} is not a rule (known: {string.Join(", ", QaRuleKinds.Names)})")]);
        }

        var index = schema.IndexOf(definition.Column);
        return index < 0
            ? throw new ConfigException([new ConfigError($"streams.{schema.Name}.qa", $"rule '{definition.Describe()}' names column '{definition.Column}', which stream {schema.Name} does not have")])
            : new QaRule(definition, kind, index);
    }

    /// <summary>Null when the row passes; otherwise why it failed.</summary>
    public string? Check(object?[] values)
    {
        var value = values[_index];
        switch (_kind)
        {
            case QaRuleKind.NotNull:
                return value is null || value is string { Length: 0 } ? $"{_definition.Column} is empty" : null;
            case QaRuleKind.Matches:
                if (value is null)
                {
                    return null;
                }

                var text = CellText.Format(value);
                try
                {
                    return _pattern!.IsMatch(text) ? null : $"{_definition.Column} does not match /{_definition.Pattern}/";
                }
                catch (RegexMatchTimeoutException)
                {
                    return $"{_definition.Column} could not be checked against /{_definition.Pattern}/ in time";
                }
            case QaRuleKind.OneOf:
                return value is null || _values!.Contains(CellText.Format(value)) ? null : $"{_definition.Column} is not one of [{string.Join(", ", _definition.Values)}]";
            case QaRuleKind.MaxLength:
                return value is string s && s.Length > _definition.Length ? $"{_definition.Column} is {s.Length} characters long (max {_definition.Length})" : null;
            case QaRuleKind.Range:
                if (value is null)
                {
                    return null;
                }

                decimal number;
                try
                {
                    number = value is NumericText big ? ApproximateDecimal(big) : Convert.ToDecimal(value, CultureInfo.InvariantCulture);
                }
                catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException)
                {
                    return $"{_definition.Column} is not a number";
                }

                return (_definition.Min is { } min && number < min) || (_definition.Max is { } max && number > max)
                    ? $"{_definition.Column} = {number.ToString(CultureInfo.InvariantCulture)} is outside [{_definition.Min?.ToString(CultureInfo.InvariantCulture) ?? "-inf"}, {_definition.Max?.ToString(CultureInfo.InvariantCulture) ?? "+inf"}]"
                    : null;
            default:
                throw new InvalidOperationException($"QA rule {_kind} has no check");
        }
    }

    /// <summary>
    /// A numeric beyond System.Decimal, for range checks only: rounded to 28 digits, or clamped to decimal's
    /// ends when larger (any configured bound is a decimal, so a clamped value compares the same way).
    /// </summary>
    private static decimal ApproximateDecimal(NumericText value) =>
        decimal.TryParse(value.Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rounded)
            ? rounded
            : value.Value.StartsWith('-') ? decimal.MinValue : decimal.MaxValue;

}
