using Daedalus.Storage;
using Npgsql;

namespace Daedalus.Application.Runs;

/// <summary>
/// Serialises "pull now" requests for one source across every API instance: the check for an open pull and the
/// creation of the new run happen under this lock, so of N concurrent requests exactly one creates a run and the
/// others find it and answer 409. Distinct from <see cref="Daedalus.Pipeline.PullLock"/>, which the pull itself holds:
/// a pull worker taking the new run at once must not find the API still holding it.
/// </summary>
public static class RunTriggerLock
{
    /// <summary>Waits for the lock (held only for the few statements of one trigger); cancellation ends the wait.</summary>
    public static Task<SessionAdvisoryLock> AcquireAsync(NpgsqlDataSource dataSource, string source, CancellationToken cancellationToken) =>
        SessionAdvisoryLock.AcquireAsync(dataSource, "daedalus.trigger." + source, cancellationToken);
}
