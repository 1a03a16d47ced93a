namespace Daedalus.Sources.QuickBooks;

/// <summary>What went wrong with a QuickBooks call, in one sentence, and how long it asked us to wait, when it said.</summary>
public sealed record QuickBooksFault(QuickBooksFaultKind Kind, string Message, string? Code, string? Type, TimeSpan? RetryAfter);
