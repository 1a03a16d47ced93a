namespace Daedalus.Client;

/// <summary>
/// Answer of <c>POST /sources/{name}/check</c>: whether each stream could be reached with the configured credentials
/// (nothing is loaded). <c>ok</c> is true when every stream is.
/// </summary>
public sealed record SourceCheckReport(string Source, string Plugin, bool Ok, IReadOnlyList<StreamCheckResult> Streams);
