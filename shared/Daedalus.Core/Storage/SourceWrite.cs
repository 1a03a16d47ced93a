namespace Daedalus.Storage;

/// <summary>What a conditional write of a source did.</summary>
public enum SourceWrite
{
    Created,
    Updated,
    Deleted,

    /// <summary>No source of that name (nothing changed).</summary>
    Missing,

    /// <summary>The source exists at another version than the caller expected (nothing changed).</summary>
    VersionMismatch,

    /// <summary>The source exists already (a create-only write; nothing changed).</summary>
    Exists,

    /// <summary>The patched definition breaks a rule (nothing changed).</summary>
    Invalid,
}
