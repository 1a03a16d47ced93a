namespace Daedalus.Client;

/// <summary>Answer to a stream reset: the cursor it forgot (null when there was none). The next pull is a full resync.</summary>
public sealed record CursorReset(string Source, string Stream, string? PreviousCursor);
