namespace Daedalus.Application.Sources;

/// <summary>
/// The caller's If-Match on a source write: none (write whatever is stored), any existing version (<c>*</c>), or
/// exactly one version. <see cref="Unmatchable"/> is an If-Match no stored version can satisfy (a weak or malformed
/// entity tag): the write is refused with 412.
/// </summary>
public readonly record struct SourcePrecondition(bool Present, bool Any, long? Version)
{
    public static SourcePrecondition None => default;

    public static SourcePrecondition Unmatchable => new(true, false, null);

    /// <summary>The version the write must find, when the caller named one.</summary>
    public long? ExpectedVersion => Present && !Any ? Version ?? -1 : null;

    /// <summary>Reads an If-Match header value: <c>*</c>, or a strong entity tag such as <c>"12"</c>.</summary>
    public static SourcePrecondition FromIfMatch(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return None;
        }

        var tags = header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (tags.Contains("*"))
        {
            return new SourcePrecondition(true, true, null);
        }

        // Strong comparison (RFC 9110 13.1.1): weak tags never match. Several tags: the write needs one exact version,
        // so only a single strong tag can be honoured atomically.
        var versions = tags.Select(SourceETag.TryParse).Where(v => v is not null).Distinct().ToList();
        return versions.Count == 1 ? new SourcePrecondition(true, false, versions[0]) : Unmatchable;
    }
}
