using Daedalus.Application.Sources;
using Daedalus.Client;
using Daedalus.Pipeline;
using Daedalus.Storage;
using Npgsql;

namespace Daedalus.Application.Streams;

/// <summary>A stream's cursor: forgetting it makes the next pull a full resync (audited).</summary>
public sealed class StreamService
{
    private readonly SourceCatalog _catalog;
    private readonly CursorStore _cursors;
    private readonly NpgsqlDataSource _dataSource;
    private readonly RunStore _runs;

    public StreamService(SourceCatalog catalog, CursorStore cursors, NpgsqlDataSource dataSource, RunStore runs)
    {
        _runs = runs;
        _catalog = catalog;
        _cursors = cursors;
        _dataSource = dataSource;
    }

    /// <summary>Forgets the cursor of <paramref name="stream"/>; Conflict while a pull of the source holds its pull lock.</summary>
    public async Task<ServiceResult<CursorReset>> ResetAsync(string source, string stream, string actor, CancellationToken cancellationToken)
    {
        var definition = await _catalog.GetAsync(source, cancellationToken);
        if (definition is null)
        {
            return SourceService.NotFound(source);
        }

        var target = definition.FindStream(stream);
        if (target is null)
        {
            return ServiceError.NotFound($"Source '{source}' has no stream named '{SourceService.Printable(stream)}'.");
        }

        // Under the pull lock: a pull running now would otherwise advance the cursor again right after the reset.
        await using var pullLock = await PullLock.TryAcquireAsync(_dataSource, source, cancellationToken);
        if (pullLock is null)
        {
            return ServiceError.PullUnderWay(source, await _runs.OpenPullAsync(source, loading: false, cancellationToken), $"A pull of '{source}' is under way; reset the stream after it ends.");
        }

        var previous = await _cursors.GetAsync(source, target.Name, cancellationToken);
        await _cursors.ResetAsync(source, target.Name, actor, cancellationToken);
        return new CursorReset(source, target.Name, previous);
    }
}
