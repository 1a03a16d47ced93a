namespace Daedalus.Api;

/// <summary>
/// Endpoint metadata: the query parameters an endpoint reads. <see cref="ApiQueryFilter"/> answers 400 for any other,
/// so a typo (<c>?limt=5</c>) never silently means "the default". An endpoint without it takes none.
/// </summary>
public sealed record ApiQueryParameters(IReadOnlyList<string> Names);
