using System.Globalization;
using System.Runtime.CompilerServices;
using Daedalus.Configuration;
using Microsoft.Extensions.Logging;

namespace Daedalus.Sources.QuickBooks;

/// <summary>
/// QuickBooks Online entities as streams (customer, invoice, payment, bill, account, item) through the query
/// endpoint, oldest change first. Pages go by <c>Metadata.LastUpdatedTime &gt;= watermark</c> plus a STARTPOSITION
/// that skips only the rows already read at the watermark itself, so rows updated during a pass cannot shift
/// unread rows out of reach. After the query pages, CDC reports deletes since the previous pass began (a
/// checkpoint kept in the cursor apart from the data watermark, so quiet entities still see their deletes);
/// they become soft-deleted rows. Re-reads are harmless: rows merge by id and an older cursor never overwrites a newer row.
/// </summary>
public sealed class QuickBooksSourcePlugin : ISourcePlugin
{
    public const string PluginName = "quickbooks";

    /// <summary>CDC looks back at most 30 days; keep a margin so a request at the edge is not refused.</summary>
    public static readonly TimeSpan ChangeLookBack = TimeSpan.FromDays(30) - TimeSpan.FromMinutes(5);

    /// <summary>
    /// How far before the start of a pass the next pass's CDC begins: covers a server clock that differs from the
    /// one that stamps deletes, and deletes committed just before the pass began. Re-reported deletes are harmless.
    /// </summary>
    public static readonly TimeSpan CheckpointOverlap = TimeSpan.FromMinutes(5);

    /// <summary>CDC returns at most this many objects; a full answer means there may be more.</summary>
    public const int ChangeLimit = 1000;

    private readonly QuickBooksTokenClient _tokens = new();

    public string Name => PluginName;

    public IEnumerable<string> Validate(SourceDefinition source)
    {
        var errors = new List<string>();
        QuickBooksSettings.From(source, errors);
        if (source.Streams.Count == 0)
        {
            errors.Add($"streams: configure at least one stream ({string.Join(", ", QuickBooksEntity.ByStream.Keys)})");
        }

        foreach (var stream in source.Streams)
        {
            Entity(stream, errors);
        }

        return errors;
    }

    public ValueTask<StreamSchema> DescribeAsync(SourceContext context, StreamDefinition stream, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var entity = Entity(stream, errors);
        return errors.Count == 0
            ? ValueTask.FromResult(entity!.Schema(stream.Name))
            : throw new SourceException($"source '{context.Source.Name}': {string.Join("; ", errors)}");
    }

    public async IAsyncEnumerable<SourcePage> ReadAsync(SourceContext context, StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var settings = QuickBooksSettings.From(context.Source, errors);
        var entity = Entity(request.Stream, errors);
        if (errors.Count > 0)
        {
            throw new SourceException($"source '{context.Source.Name}': {string.Join("; ", errors)}");
        }

        var realm = await context.SecretAsync("realm_id", cancellationToken);
        var client = new QuickBooksApiClient(context, settings, _tokens, realm);
        var incremental = request.Stream.Mode == SyncMode.Incremental;
        var start = incremental ? QuickBooksCursor.Parse(request.Cursor) : null;

        // When this pass began, by our clock; lowered to the server's clock below if that is behind ours, so the
        // next pass's CDC starts no later than the server's own "now" at the start of this one.
        var began = context.Clock.GetUtcNow();
        var watermark = start?.Watermark;

        // Where this pass's CDC starts: the stored checkpoint; none on a first pass (nothing is stored yet, and
        // the next pass's CDC covers deletes during this one); everything CDC holds for a full read or a cursor
        // from a version that kept no checkpoint.
        var firstPass = incremental && start is null;
        var deletesSince = start?.DeletesSince;
        var since = watermark;
        var atWatermark = 0;
        var position = 1;
        while (true)
        {
            // Skip only what was already read at the watermark itself; everything later is still unread.
            var query = Query(entity!, since, atWatermark + 1, settings.PageSize);
            var answer = await client.QueryAsync(entity!.Name, query, cancellationToken);
            if (position == 1 && answer.Time is { } serverTime && serverTime < began)
            {
                began = serverTime;
            }

            var records = new List<SourceRecord>(answer.Objects.Count);
            foreach (var item in answer.Objects)
            {
                records.Add(entity.ToRecord(item));
                var updated = QuickBooksEntity.LastUpdated(item);
                if (updated is { } t && (watermark is null || t > watermark))
                {
                    (watermark, atWatermark) = (t, 1);
                }
                else if (updated is { } same && same == watermark)
                {
                    atWatermark++;
                }
            }

            position += answer.Objects.Count;
            since = watermark;
            context.Logger.LogDebug("QuickBooks {Entity}: {Rows} rows from position {Position}", entity.Name, answer.Objects.Count, position - answer.Objects.Count);
            var more = answer.Objects.Count >= settings.PageSize;

            // A first pass that stops here resumes as a second one: its CDC must cover deletes since this pass began.
            var resumeDeletesSince = firstPass ? began - CheckpointOverlap : deletesSince;
            yield return more || !firstPass
                ? new SourcePage(records, new QuickBooksCursor(watermark, resumeDeletesSince, position, QuickBooksCursor.QueryPhase).ToJson())
                : new SourcePage(records, Completed(watermark, began));

            if (!more)
            {
                break;
            }
        }

        if (firstPass)
        {
            yield break;
        }

        var now = context.Clock.GetUtcNow();
        var limit = now - TimeSpan.FromDays(30);
        DateTimeOffset changedSince;
        if (!incremental)
        {
            // A full read has no checkpoint: it asks CDC for every delete it can still see.
            changedSince = now - ChangeLookBack;
        }
        else if (deletesSince is { } checkpoint)
        {
            changedSince = checkpoint;
        }
        else
        {
            // Stored by a version that kept only the watermark: where its CDC left off is unknown, so ask for all
            // CDC still holds. If that watermark is past CDC's reach, that version could not ask CDC at all.
            changedSince = now - ChangeLookBack;
            context.Logger.LogInformation(
                "QuickBooks {Entity}: the stored cursor has no CDC checkpoint (written by an earlier version); asking CDC for deletes since {Since:o}, the most it keeps",
                entity!.Name,
                changedSince);
            if (start?.Watermark is { } w && w < limit)
            {
                context.Logger.LogWarning(
                    "QuickBooks {Entity}: the stored watermark {Watermark:o} is more than 30 days old and the cursor has no CDC checkpoint; deletes before {Limit:o} cannot be detected (to reconcile, reload the stream into an empty table: reset its cursor)",
                    entity.Name,
                    w,
                    limit);
            }
        }

        if (changedSince < limit)
        {
            // A long outage: CDC cannot look back that far. Ask for what it still has and say what is lost.
            context.Logger.LogWarning(
                "QuickBooks {Entity}: the previous pass began at {Since:o}, more than 30 days ago; CDC cannot look back that far, so deletes between then and {Limit:o} cannot be detected (to reconcile, reload the stream into an empty table: reset its cursor)",
                entity!.Name,
                changedSince,
                limit);
            changedSince = now - ChangeLookBack;
        }

        while (true)
        {
            var changes = await client.ChangesAsync(entity!.Name, changedSince, cancellationToken);
            var deleted = new List<SourceRecord>();
            DateTimeOffset? newest = null;
            foreach (var item in changes.Objects)
            {
                if (item.TryGetProperty("status", out var status) && status.ValueKind == System.Text.Json.JsonValueKind.String
                    && string.Equals(status.GetString(), "Deleted", StringComparison.OrdinalIgnoreCase))
                {
                    deleted.Add(entity.ToDeletedRecord(item, changes.Time ?? context.Clock.GetUtcNow()));
                }

                if (QuickBooksEntity.LastUpdated(item) is { } t && (newest is null || t > newest))
                {
                    newest = t;
                }
            }

            context.Logger.LogDebug("QuickBooks {Entity}: CDC since {Since:o}: {Objects} changed, {Deleted} deleted", entity.Name, changedSince, changes.Objects.Count, deleted.Count);
            if (changes.Objects.Count < ChangeLimit)
            {
                yield return new SourcePage(deleted, Completed(watermark, began));
                yield break;
            }

            // A full answer may hide more: the query phase already has every live change, so move the window
            // forward past what this answer covered and ask again for the deletes after it.
            if (newest is not { } next || next <= changedSince)
            {
                context.Logger.LogWarning("QuickBooks {Entity}: CDC returned {Limit} objects all changed at {Since:o}; deletes beyond them at that instant may be missed", entity.Name, ChangeLimit, changedSince);
                yield return new SourcePage(deleted, Completed(watermark, began));
                yield break;
            }

            context.Logger.LogInformation("QuickBooks {Entity}: CDC returned its {Limit}-object maximum; asking again from {Next:o}", entity.Name, ChangeLimit, next);
            changedSince = next;
            yield return new SourcePage(deleted, new QuickBooksCursor(watermark, changedSince, null, QuickBooksCursor.DeletesPhase).ToJson());
        }
    }

    /// <summary>
    /// The cursor after a completed pass: the watermark, and the CDC checkpoint at the time the pass began less
    /// <see cref="CheckpointOverlap"/>. Deletes after that instant are reported by the next pass's CDC, and the
    /// checkpoint moves on every pass even when no row changed (it is never derived from the data).
    /// </summary>
    private static string Completed(DateTimeOffset? watermark, DateTimeOffset began) =>
        new QuickBooksCursor(watermark, began - CheckpointOverlap).ToJson();

    /// <summary>The query for one page; the watermark is compared with &gt;= so rows sharing it are never skipped.</summary>
    public static string Query(QuickBooksEntity entity, DateTimeOffset? since, int startPosition, int pageSize)
    {
        var where = since is { } from ? $" WHERE Metadata.LastUpdatedTime >= '{QuickBooksApiClient.Format(from)}'" : "";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"SELECT * FROM {entity.Name}{where} ORDERBY Metadata.LastUpdatedTime STARTPOSITION {startPosition} MAXRESULTS {pageSize}");
    }

    private static QuickBooksEntity? Entity(StreamDefinition stream, List<string> errors)
    {
        var settings = PluginSettings.Of(stream, errors);
        var name = settings.Text("entity") ?? stream.Name;
        settings.RefuseUnknown();
        if (QuickBooksEntity.ByStream.TryGetValue(name, out var entity))
        {
            return entity;
        }

        errors.Add($"streams.{stream.Name}: {ErrorText.Quote(name)} is not a QuickBooks stream (known: {string.Join(", ", QuickBooksEntity.ByStream.Keys)}; set settings.entity when the stream has another name)");
        return null;
    }
}
