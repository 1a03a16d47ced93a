namespace Daedalus.Client;

/// <summary>Answer to a triggered pull (202): poll <c>location</c> for its progress.</summary>
public sealed record RunAccepted(Guid RunId, string Source, string Location);
