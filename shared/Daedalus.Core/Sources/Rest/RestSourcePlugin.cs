using System.Runtime.CompilerServices;
using System.Text.Json;
using Daedalus.Configuration;
using Microsoft.Extensions.Logging;

namespace Daedalus.Sources.Rest;

/// <summary>
/// Any JSON HTTP API by configuration alone (docs/plugins/rest.md): per source a base URL, auth, default headers
/// and parameters; per stream a path, where the records are, columns, a paginator, an incremental parameter, or a
/// parent stream whose records it iterates. Each page's cursor is safe to resume from (see <see cref="RestCursor"/>);
/// rows merge by primary key, so pages read twice after a resume change nothing.
/// </summary>
public sealed class RestSourcePlugin : ISourcePlugin, ISourceDiscovery
{
    public const string PluginName = "rest";

    /// <summary>How many parent records a child stream's sample (for inferred types) looks at.</summary>
    private const int SampleParents = 5;

    private readonly RestTokenClient _tokens = new();

    // The JSON paths behind each inferred schema DescribeAsync handed out (column names are normalized property names).
    private readonly ConditionalWeakTable<StreamSchema, IReadOnlyDictionary<string, string[]>> _paths = [];

    public string Name => PluginName;

    public IEnumerable<string> Validate(SourceDefinition source)
    {
        var errors = new List<string>();
        RestSettings.From(source, errors);
        foreach (var stream in source.Streams)
        {
            var settings = RestStreamSettings.From(stream, errors);
            if (settings.Columns.Count > 0)
            {
                var names = settings.Columns.Select(c => c.Name).Concat(settings.IncludeFromParent.Select(settings.ParentColumn)).ToHashSet(StringComparer.OrdinalIgnoreCase);
                foreach (var key in stream.PrimaryKey.Append(stream.Cursor).OfType<string>().Where(k => !names.Contains(k)))
                {
                    errors.Add($"streams.{stream.Name}: '{key}' (primary key or cursor) is not one of the declared columns");
                }
            }

            if (settings.Parent is { } parentName)
            {
                var parent = source.FindStream(parentName);
                if (parent is null || parent == stream)
                {
                    errors.Add($"streams.{stream.Name}.settings.parent: '{parentName}' is not another stream of this source");
                }
                else if (parent.Settings.ContainsKey("parent"))
                {
                    errors.Add($"streams.{stream.Name}.settings.parent: '{parentName}' is itself a child stream; one level of parents is supported");
                }
            }
        }

        return errors;
    }

    public async ValueTask<StreamSchema> DescribeAsync(SourceContext context, StreamDefinition stream, CancellationToken cancellationToken)
    {
        var settings = RestStreamSettings.From(stream);
        var columns = settings.Columns.ToList();
        IReadOnlyDictionary<string, string[]>? paths = null;
        if (columns.Count == 0)
        {
            var sample = await SampleAsync(context, stream, settings, cancellationToken);
            if (sample.Count == 0)
            {
                throw new SourceException($"stream {stream.Name}: the API returned no records to infer column types from; declare settings.columns");
            }

            var inferred = RestSchemaInference.Infer(sample);
            columns = [.. inferred.Columns];
            paths = inferred.Paths;
        }

        foreach (var field in settings.IncludeFromParent)
        {
            var name = settings.ParentColumn(field);
            if (!columns.Exists(c => c.Name == name))
            {
                columns.Add(new ColumnSchema(name, ColumnType.Text));
            }
        }

        var schema = new StreamSchema(stream.Name, columns, stream.PrimaryKey, stream.Cursor);
        foreach (var key in stream.PrimaryKey.Append(stream.Cursor).OfType<string>().Where(k => schema.IndexOf(k) < 0))
        {
            throw new SourceException($"stream {stream.Name}: '{key}' (primary key or cursor) is not a column; the records have: {string.Join(", ", columns.Select(c => c.Name))}");
        }

        if (paths is not null)
        {
            _paths.AddOrUpdate(schema, paths);
        }

        return schema;
    }

    /// <summary>
    /// <c>sources check</c>: the stream's first page (a child stream: the children of its parent's first records), which
    /// proves reachability, credentials, the path and the records selector. Stores nothing; failures are the answer.
    /// </summary>
    public async ValueTask<StreamCheck> CheckAsync(SourceContext context, StreamDefinition stream, CancellationToken cancellationToken)
    {
        try
        {
            var settings = RestStreamSettings.From(stream);
            var sample = await SampleAsync(context, stream, settings, cancellationToken);
            return new StreamCheck(stream.Name, true, $"{RestUrl.PathOf(RestUrl.Build(RestSettings.From(context.Source).BaseUrl, settings.Path, []))} answered; {sample.Count} record(s) on the first page");
        }
        catch (SourceException ex)
        {
            return new StreamCheck(stream.Name, false, ex.Message);
        }
    }

    /// <summary>
    /// <c>sources discover</c>: the stream's schema (declared columns, else inferred from the first page) and the
    /// stream's settings with <c>columns.*</c> pinning those types, ready to replace the stream's <c>settings:</c>.
    /// </summary>
    public async ValueTask<DiscoveredStream> DiscoverAsync(SourceContext context, StreamDefinition stream, CancellationToken cancellationToken)
    {
        var schema = await DescribeAsync(context, stream, cancellationToken);
        // The stream's own settings stay (path, paginator...): only the column types are replaced by what was found.
        var pinned = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in stream.Settings.Where(s => !s.Key.StartsWith("columns.", StringComparison.OrdinalIgnoreCase)))
        {
            pinned[key] = value;
        }

        foreach (var column in schema.Columns)
        {
            pinned[$"columns.{column.Name}"] = column.Type.ToString().ToLowerInvariant();
        }

        return new DiscoveredStream(schema, pinned);
    }

    public async IAsyncEnumerable<SourcePage> ReadAsync(SourceContext context, StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var source = RestSettings.From(context.Source);
        var settings = RestStreamSettings.From(request.Stream);
        var client = new RestApiClient(context, source, _tokens);
        var decoder = new RestRecordDecoder(request.Stream.Name, request.Schema, _paths.TryGetValue(request.Schema, out var paths) ? paths : null);
        var incremental = request.Stream.Mode == SyncMode.Incremental;
        if (settings.Parent is null)
        {
            var cursorPath = CursorPath(request.Schema.CursorField, paths);
            await foreach (var (records, cursor) in PassAsync(context, client, source, settings, cursorPath, incremental ? request.Cursor : null, cancellationToken))
            {
                yield return new SourcePage([.. records.Select(r => decoder.Decode(r))], cursor);
            }

            yield break;
        }

        var parentStream = context.Source.FindStream(settings.Parent) ?? throw new SourceException($"stream {request.Stream.Name}: parent stream '{settings.Parent}' is not configured");
        var parent = RestStreamSettings.From(parentStream);
        var before = request.Cursor;
        await foreach (var (parents, cursor) in PassAsync(context, client, source, parent, CursorPath(parentStream.Cursor, null), incremental ? request.Cursor : null, cancellationToken))
        {
            foreach (var parentRecord in parents)
            {
                var fromParent = settings.IncludeFromParent.ToDictionary(settings.ParentColumn, f => RestRecordDecoder.TryFind(parentRecord, f.Split('.'), out var v) ? v : default, StringComparer.OrdinalIgnoreCase);
                await foreach (var children in ChildPagesAsync(context, client, source, settings, request.Stream.Name, parentRecord, cancellationToken))
                {
                    // Until every child of this parent page is read, the cursor stays where the page began.
                    yield return new SourcePage([.. children.Select(c => decoder.Decode(c, fromParent))], before);
                }
            }

            before = cursor;
            yield return new SourcePage([], cursor);
        }
    }

    private static string[]? CursorPath(string? field, IReadOnlyDictionary<string, string[]>? paths) =>
        field is null ? null : paths is not null && paths.TryGetValue(field, out var path) ? path : field.Split('.');

    /// <summary>
    /// One pass over an endpoint from a stored cursor: each page's records and the cursor to store after them. Resumes an
    /// unfinished pass at its next page; if the API refuses that page (an expired link), the pass restarts once from the watermark.
    /// </summary>
    private static async IAsyncEnumerable<(IReadOnlyList<JsonElement> Records, string Cursor)> PassAsync(
        SourceContext context, RestApiClient client, RestSettings source, RestStreamSettings walked, string[]? cursorPath, string? stored, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var start = RestCursor.Parse(stored);
        var watermark = start?.Watermark;
        var (since, max, next, resumed) = start?.Pass is { } pass
            ? (pass.Since, pass.Max, pass.Next, true)
            : (watermark, watermark, RestPagination.FirstUrl(source, walked, walked.Path, watermark), false);
        while (true)
        {
            RestResponse response;
            try
            {
                response = await client.GetAsync(next, cancellationToken);
            }
            catch (RestHttpException ex) when (resumed)
            {
                context.Logger.LogWarning("rest source {Source}: resuming at the stored page failed ({Reason}); restarting the pass from the watermark", context.Source.Name, ex.Message);
                (since, max, next, resumed) = (watermark, watermark, RestPagination.FirstUrl(source, walked, walked.Path, watermark), false);
                continue;
            }

            resumed = false;
            var records = RestPagination.Records(response, walked);
            if (cursorPath is not null)
            {
                foreach (var record in records)
                {
                    // A cursor string that is not valid Unicode cannot be compared or sent back; its record is rejected by the decoder.
                    if (RestRecordDecoder.TryFind(record, cursorPath, out var value)
                        && (value.ValueKind == JsonValueKind.Number || (value.ValueKind == JsonValueKind.String && JsonText.TryGetString(value, out _))))
                    {
                        max = RestCursorValue.Max(max, value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText());
                    }
                }
            }

            var following = RestPagination.NextUrl(source, walked.Paginator, response, records.Count);
            var cursor = following is null ? new RestCursor(max, null) : new RestCursor(watermark, new RestPassPosition(since, max, following));
            yield return (records, cursor.ToJson());
            if (following is null)
            {
                yield break;
            }

            next = following;
        }
    }

    /// <summary>Every page of a child endpoint for one parent record; a parent gone in between (404, 410) has no children.</summary>
    private static async IAsyncEnumerable<IReadOnlyList<JsonElement>> ChildPagesAsync(
        SourceContext context, RestApiClient client, RestSettings source, RestStreamSettings child, string streamName, JsonElement parent, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var path = child.Path;
        foreach (var field in child.Placeholders)
        {
            if (!RestRecordDecoder.TryFind(parent, field.Split('.'), out var value) || value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number)
                || (value.ValueKind == JsonValueKind.String && !JsonText.TryGetString(value, out _)))
            {
                context.Logger.LogWarning("rest source {Source} stream {Stream}: a parent record has no {Field}; its children are skipped", context.Source.Name, streamName, field);
                yield break;
            }

            path = path.Replace($"{{parent.{field}}}", Uri.EscapeDataString(value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()), StringComparison.Ordinal);
        }

        string? next = RestPagination.FirstUrl(source, child, path, null);
        while (next is not null)
        {
            RestResponse response;
            try
            {
                response = await client.GetAsync(next, cancellationToken);
            }
            catch (RestHttpException ex) when (ex.Status is 404 or 410)
            {
                context.Logger.LogInformation("rest source {Source} stream {Stream}: {Path} is gone (HTTP {Status}); no children for that parent", context.Source.Name, streamName, RestUrl.PathOf(next), ex.Status);
                yield break;
            }

            var records = RestPagination.Records(response, child);
            yield return records;
            next = RestPagination.NextUrl(source, child.Paginator, response, records.Count);
        }
    }

    /// <summary>The first page of a stream (for a child: the children of its first few parents), to infer types from.</summary>
    private async Task<List<JsonElement>> SampleAsync(SourceContext context, StreamDefinition stream, RestStreamSettings settings, CancellationToken cancellationToken)
    {
        var source = RestSettings.From(context.Source);
        var client = new RestApiClient(context, source, _tokens);
        if (settings.Parent is null)
        {
            var response = await client.GetAsync(RestPagination.FirstUrl(source, settings, settings.Path, null), cancellationToken);
            return [.. RestPagination.Records(response, settings)];
        }

        var parentStream = context.Source.FindStream(settings.Parent) ?? throw new SourceException($"stream {stream.Name}: parent stream '{settings.Parent}' is not configured");
        var parent = RestStreamSettings.From(parentStream);
        var parents = RestPagination.Records(await client.GetAsync(RestPagination.FirstUrl(source, parent, parent.Path, null), cancellationToken), parent);
        var sample = new List<JsonElement>();
        foreach (var record in parents.Take(SampleParents))
        {
            await foreach (var page in ChildPagesAsync(context, client, source, settings, stream.Name, record, cancellationToken))
            {
                sample.AddRange(page);
                break;
            }
        }

        return sample;
    }
}
