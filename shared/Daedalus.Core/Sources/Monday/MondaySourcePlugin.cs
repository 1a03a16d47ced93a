using System.Runtime.CompilerServices;
using Daedalus.Configuration;
using Microsoft.Extensions.Logging;

namespace Daedalus.Sources.Monday;

/// <summary>
/// monday.com boards as streams: one stream per configured board, items flattened into typed columns.
/// Reads with <c>items_page</c>/<c>next_items_page</c>, oldest change first; incremental passes start at the
/// watermark minus a lookback, filter by day on the server and by <c>updated_at</c> here. Every page's cursor
/// is safe to resume from: the loader merges by id and never overwrites a newer <c>updated_at</c>.
/// </summary>
public sealed class MondaySourcePlugin : ISourcePlugin
{
    public const string PluginName = "monday";

    /// <summary>monday keeps a page cursor for 60 minutes from its first request; leave a margin.</summary>
    public static readonly TimeSpan PageCursorLifetime = TimeSpan.FromMinutes(55);

    // The layout behind each schema DescribeAsync handed out, so ReadAsync maps column ids without another call.
    private readonly ConditionalWeakTable<StreamSchema, MondayBoardLayout> _layouts = [];

    public string Name => PluginName;

    public IEnumerable<string> Validate(SourceDefinition source)
    {
        var errors = new List<string>();
        MondaySettings.From(source, errors);
        if (source.Streams.Count == 0)
        {
            errors.Add("streams: configure at least one stream (one per board, with settings.boardId)");
        }

        foreach (var stream in source.Streams)
        {
            MondayStreamSettings.From(stream, errors);
        }

        return errors;
    }

    public async ValueTask<StreamSchema> DescribeAsync(SourceContext context, StreamDefinition stream, CancellationToken cancellationToken)
    {
        var layout = await DescribeLayoutAsync(context, stream, await ClientAsync(context, cancellationToken), cancellationToken);
        return layout.Schema;
    }

    public async IAsyncEnumerable<SourcePage> ReadAsync(SourceContext context, StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var settings = Settings(context.Source);
        var board = MondayStreamSettings.From(request.Stream);
        var client = await ClientAsync(context, cancellationToken);
        var layout = _layouts.TryGetValue(request.Schema, out var known) ? known : await DescribeLayoutAsync(context, request.Stream, client, cancellationToken);

        var start = MondayCursor.Parse(request.Cursor);
        var watermark = start?.Watermark;
        var now = context.Clock.GetUtcNow();
        string? page = null;
        DateTimeOffset? pageStartedAt = null;
        DateTimeOffset? since = watermark - settings.Lookback;
        if (start is { Page: { } stored, PageStartedAt: { } startedAt } && now - startedAt < PageCursorLifetime)
        {
            (page, pageStartedAt, since) = (stored, startedAt, start.PassSince);
        }
        else if (start?.Page is not null)
        {
            context.Logger.LogInformation("monday board {Board}: the stored page cursor is older than {Minutes} minutes; restarting from the watermark", board.BoardId, PageCursorLifetime.TotalMinutes);
        }

        var restarted = false;
        while (true)
        {
            MondayItemsPage result;
            if (page is null)
            {
                pageStartedAt = context.Clock.GetUtcNow();
                result = await client.FirstPageAsync(board.BoardId, since, cancellationToken);
            }
            else
            {
                try
                {
                    result = await client.NextPageAsync(board.BoardId, page, cancellationToken);
                }
                catch (MondayCursorExpiredException ex) when (!restarted)
                {
                    // Pages come oldest change first, so everything older than the watermark is stored: restart there.
                    context.Logger.LogWarning("monday board {Board}: {Reason}; restarting the pass from the watermark", board.BoardId, ex.Message);
                    restarted = true;
                    page = null;
                    since = watermark - settings.Lookback;
                    continue;
                }
            }

            var records = new List<SourceRecord>(result.Items.Count);
            foreach (var item in result.Items)
            {
                // The server-side filter is day-level; keep only what changed since the pass's lower bound.
                if (since is { } lower && item.UpdatedAt < lower)
                {
                    continue;
                }

                records.Add(layout.ToRecord(item));
                if (item.UpdatedAt is { } updated && (watermark is null || updated > watermark))
                {
                    watermark = updated.ToUniversalTime();
                }
            }

            page = result.Cursor;
            var cursor = page is null
                ? new MondayCursor(watermark, null, null, null)
                : new MondayCursor(watermark, page, pageStartedAt, since);
            context.Logger.LogDebug("monday board {Board}: {Items} items, {Kept} kept, more pages: {More}", board.BoardId, result.Items.Count, records.Count, page is not null);
            yield return new SourcePage(records, cursor.ToJson());
            if (page is null)
            {
                yield break;
            }
        }
    }

    private static MondaySettings Settings(SourceDefinition source)
    {
        var errors = new List<string>();
        var settings = MondaySettings.From(source, errors);
        return errors.Count == 0 ? settings : throw new SourceException($"source '{source.Name}': {string.Join("; ", errors)}");
    }

    private static async Task<MondayApiClient> ClientAsync(SourceContext context, CancellationToken cancellationToken) =>
        new(context, Settings(context.Source), await context.SecretAsync("token", cancellationToken));

    private async Task<MondayBoardLayout> DescribeLayoutAsync(SourceContext context, StreamDefinition stream, MondayApiClient client, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var board = MondayStreamSettings.From(stream, errors);
        if (errors.Count > 0)
        {
            throw new SourceException($"source '{context.Source.Name}': {string.Join("; ", errors)}");
        }

        var columns = await client.BoardColumnsAsync(board.BoardId, cancellationToken);
        var layout = MondayBoardLayout.Create(stream.Name, board.BoardId, columns, board.NameColumnsById);
        _layouts.AddOrUpdate(layout.Schema, layout);
        return layout;
    }
}
