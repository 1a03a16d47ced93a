using System.Runtime.CompilerServices;
using Daedalus.Sources;

namespace Daedalus.Batching;

/// <summary>
/// Groups pages into batches of at most <c>maxRows</c>. A batch ends on a page boundary and carries that
/// page's cursor; a page larger than a batch is split, and only its last chunk carries the cursor (a crash
/// mid-page re-reads the page and the chunks already loaded are recognised by their ids). Ids come from
/// <see cref="BatchIds"/>: <c>idScope</c> is the stream's reset generation for incremental streams, or
/// the run for full refreshes.
/// </summary>
public static class Batcher
{
    public static async IAsyncEnumerable<Batch> BatchAsync(
        IAsyncEnumerable<SourcePage> pages,
        string source,
        StreamSchema schema,
        Guid runId,
        string? startCursor,
        string idScope,
        int maxRows,
        TimeProvider clock,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new List<SourceRecord>(maxRows);
        var from = startCursor;
        string? pending = startCursor;
        var sequence = 0;

        Batch Make(List<SourceRecord> records, string? idCursor, string? cursorTo, int chunk)
        {
            var id = BatchIds.Create(source, schema.Name, idScope, from, idCursor, chunk, records);
            return new Batch(id, runId, source, schema.Name, schema, records, from, cursorTo, sequence++, clock.GetUtcNow());
        }

        await foreach (var page in pages.WithCancellation(cancellationToken))
        {
            if (buffer.Count > 0 && buffer.Count + page.Records.Count > maxRows)
            {
                yield return Make(buffer, pending, pending, 0);
                from = pending;
                buffer = new List<SourceRecord>(maxRows);
            }

            if (page.Records.Count > maxRows)
            {
                var chunks = (page.Records.Count + maxRows - 1) / maxRows;
                for (var c = 0; c < chunks; c++)
                {
                    var slice = page.Records.Skip(c * maxRows).Take(maxRows).ToList();
                    var last = c == chunks - 1;
                    yield return Make(slice, page.Cursor, last ? page.Cursor : null, c);
                }

                from = page.Cursor ?? from;
                pending = from;
                continue;
            }

            buffer.AddRange(page.Records);
            pending = page.Cursor ?? pending;
        }

        if (buffer.Count > 0 || pending != from)
        {
            yield return Make(buffer, pending, pending, 0);
        }
    }
}
