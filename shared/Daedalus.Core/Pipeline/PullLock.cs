using Daedalus.Storage;
using Npgsql;

namespace Daedalus.Pipeline;

/// <summary>
/// The source's pull lock (the advisory lock <see cref="SyncRunner"/> takes while it pulls), held by the API while it
/// changes a cursor, and probed before a trigger so a second pull is refused with 409 rather than skipped.
/// </summary>
public static class PullLock
{
    /// <summary>The lock, or null when a pull of the source holds it.</summary>
    public static Task<SessionAdvisoryLock?> TryAcquireAsync(NpgsqlDataSource dataSource, string source, CancellationToken cancellationToken) =>
        SessionAdvisoryLock.TryAcquireAsync(dataSource, "daedalus.pull." + source, cancellationToken);
}
