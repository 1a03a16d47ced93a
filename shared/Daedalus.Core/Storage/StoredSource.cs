using Daedalus.Configuration;

namespace Daedalus.Storage;

/// <summary>A source definition as stored, with its version (bumped by every write; the API's ETag).</summary>
public sealed record StoredSource(SourceDefinition Definition, long Version);
