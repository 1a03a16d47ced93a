using Daedalus.Client;

namespace Daedalus.Application.Sources;

/// <summary>A source as the API shows it, with its version (the ETag) and whether this write created it.</summary>
public sealed record VersionedSource(SourceSpec Spec, long Version, bool Created = false)
{
    public string ETag => SourceETag.Format(Version);
}
