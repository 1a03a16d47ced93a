namespace Daedalus.Configuration;

/// <summary>The data-quality rules a stream can carry (<c>qa[].rule</c>); their config names are in <see cref="QaRuleKinds"/>.</summary>
public enum QaRuleKind
{
    NotNull,
    Matches,
    Range,
    OneOf,
    MaxLength,
}
