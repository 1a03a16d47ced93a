namespace Daedalus.Configuration;

/// <summary>
/// The one mapping between <see cref="QaRuleKind"/> and the names config and the API use (<c>not_null</c>,
/// <c>matches</c>, <c>range</c>, <c>one_of</c>, <c>max_length</c>). Parsing is exact: other casing is not a rule.
/// </summary>
public static class QaRuleKinds
{
    private static readonly Dictionary<string, QaRuleKind> ByName = new(StringComparer.Ordinal)
    {
        ["not_null"] = QaRuleKind.NotNull,
        ["matches"] = QaRuleKind.Matches,
        ["range"] = QaRuleKind.Range,
        ["one_of"] = QaRuleKind.OneOf,
        ["max_length"] = QaRuleKind.MaxLength,
    };

    /// <summary>Every rule name, in documentation order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. ByName.Keys];

    /// <summary>The rule named <paramref name="name"/>, or null when it is not a rule.</summary>
    public static QaRuleKind? Parse(string? name) => name is not null && ByName.TryGetValue(name, out var kind) ? kind : null;

    public static string Name(this QaRuleKind kind) => ByName.First(pair => pair.Value == kind).Key;
}
