namespace Daedalus.Sources.Monday;

/// <summary>The <c>complexity</c> field every query asks for: the budget left after the call and when it refills.</summary>
public sealed record MondayComplexity(long? Before, long? After, int? ResetInXSeconds);
