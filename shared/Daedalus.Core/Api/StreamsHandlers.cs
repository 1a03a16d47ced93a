using Daedalus.Client;
using Daedalus.Pipeline;
using Daedalus.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Daedalus.Api;

/// <summary><c>/api/v1/sources/{name}/streams/{stream}/reset</c>: forget the cursor so the next pull is a full resync.</summary>
public static class StreamsHandlers
{
    public static async Task<IResult> Reset(HttpContext context, string name, string stream, CancellationToken cancellationToken)
    {
        var source = await context.RequestServices.GetRequiredService<SourceCatalog>().GetAsync(name, cancellationToken);
        if (source is null)
        {
            return SourcesHandlers.NotFound(name);
        }

        var definition = source.FindStream(stream);
        if (definition is null)
        {
            return ApiProblems.NotFound($"Source '{name}' has no stream named '{SourcesHandlers.Printable(stream)}'.");
        }

        // Under the pull lock: a pull running now would otherwise advance the cursor again right after the reset.
        await using var pullLock = await PullLock.TryAcquireAsync(context.RequestServices.GetRequiredService<NpgsqlDataSource>(), name, cancellationToken);
        if (pullLock is null)
        {
            return ApiProblems.Conflict($"A pull of '{name}' is under way; reset the stream after it ends.");
        }

        var cursors = context.RequestServices.GetRequiredService<CursorStore>();
        var previous = await cursors.GetAsync(name, definition.Name, cancellationToken);
        await cursors.ResetAsync(name, definition.Name, ApiAuthorization.Actor(context), cancellationToken);
        return Results.Json(new CursorReset(name, definition.Name, previous), DaedalusJson.Options);
    }
}
