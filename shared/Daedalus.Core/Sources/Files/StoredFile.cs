namespace Daedalus.Sources.Files;

/// <summary>
/// One file as a listing saw it: its path relative to the folder or container ('/' separated), when it was last
/// modified (UTC; a blob's Last-Modified has whole seconds), its size in bytes, and a version tag (the blob's ETag)
/// that reading pins, so a file replaced mid-read fails the read instead of mixing two versions.
/// </summary>
public sealed record StoredFile(string Name, DateTimeOffset LastModified, long Size, string? Version = null);
