namespace Daedalus.Client;

/// <summary>A resource with the entity tag the server gave it (send it back as If-Match to write only that version).</summary>
public sealed record Versioned<T>(T Value, string? ETag);
