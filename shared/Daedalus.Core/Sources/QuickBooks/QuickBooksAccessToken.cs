namespace Daedalus.Sources.QuickBooks;

/// <summary>An access token and when to stop using it (a margin before QuickBooks' own expiry).</summary>
public sealed record QuickBooksAccessToken(string Value, DateTimeOffset UseUntil);
