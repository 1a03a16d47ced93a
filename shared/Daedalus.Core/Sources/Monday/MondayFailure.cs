namespace Daedalus.Sources.Monday;

/// <summary>What went wrong with a monday call, and how long monday asked us to wait, when it said.</summary>
public sealed record MondayFailure(MondayFailureKind Kind, string Message, TimeSpan? RetryAfter);
