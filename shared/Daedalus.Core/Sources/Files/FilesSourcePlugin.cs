using System.Runtime.CompilerServices;
using Azure.Storage.Blobs;
using Daedalus.Configuration;
using Daedalus.Hosting;
using Microsoft.Extensions.Logging;

namespace Daedalus.Sources.Files;

/// <summary>
/// CSV, JSON Lines and Parquet files from a local folder or an Azure Blob Storage container, one stream per file
/// pattern. Files are read in (last-modified, name) order and the cursor (<see cref="FileCursor"/>) records the last
/// one and how far into it the stored pages reach, so each file is read once, a re-uploaded file (newer
/// last-modified) is read again, and a crash mid-file resumes at the next record. Every record carries three
/// bookkeeping columns: <c>_file</c>, <c>_row</c> (the record's 1-based number in its file) and <c>_file_modified</c>
/// (the stream's cursor column, so an older version of a file never overwrites a newer one). Without a
/// <c>primaryKey</c> the key is (<c>_file</c>, <c>_row</c>): a re-read of the same file lands on the same rows.
/// </summary>
public sealed class FilesSourcePlugin : ISourcePlugin, ISourceDiscovery
{
    public const string PluginName = "files";
    public const string FileColumn = "_file";
    public const string RowColumn = "_row";
    public const string ModifiedColumn = "_file_modified";

    public static readonly string[] BookkeepingColumns = [FileColumn, RowColumn, ModifiedColumn];

    private static readonly ColumnSchema[] Bookkeeping = [new(FileColumn, ColumnType.Text), new(RowColumn, ColumnType.Integer), new(ModifiedColumn, ColumnType.Timestamp)];

    public string Name => PluginName;

    public IEnumerable<string> Validate(SourceDefinition source)
    {
        var errors = new List<string>();
        FilesSettings.From(source, errors);
        foreach (var stream in source.Streams)
        {
            FilesStreamSettings.From(stream, errors);
        }

        return errors;
    }

    public async ValueTask<StreamSchema> DescribeAsync(SourceContext context, StreamDefinition stream, CancellationToken cancellationToken)
    {
        var settings = FilesStreamSettings.From(stream);
        var columns = settings.Columns ?? await InferAsync(await OpenStoreAsync(context, cancellationToken), settings, cancellationToken);
        return new StreamSchema(
            stream.Name,
            [.. columns, .. Bookkeeping],
            stream.PrimaryKey.Count > 0 ? stream.PrimaryKey : [FileColumn, RowColumn],
            ModifiedColumn);
    }

    public async IAsyncEnumerable<SourcePage> ReadAsync(SourceContext context, StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var source = FilesSettings.From(context.Source);
        var settings = FilesStreamSettings.From(request.Stream);
        var store = await OpenStoreAsync(context, cancellationToken);
        var cursor = request.Cursor is null ? (FileCursor?)null : FileCursor.Parse(request.Cursor);
        var dataColumns = request.Schema.Columns.Where(c => !BookkeepingColumns.Contains(c.Name)).ToList();

        // Younger files wait a run: one still being written is not read half-written, and a blob committed in the
        // same second as one already read, after the listing, still sorts after the cursor next time.
        var settled = context.Clock.GetUtcNow().AddSeconds(-source.SettleSeconds);
        var files = (await ListAsync(store, settings.Glob, cancellationToken))
            .Where(f => f.LastModified <= settled && (cursor is not { } c || c.IsBefore(f)))
            .ToList();
        context.Logger.LogInformation("Stream {Stream}: {Files} file(s) to read in {Store} matching {Pattern}", request.Stream.Name, files.Count, store.Description, settings.Glob.Pattern);

        foreach (var file in files)
        {
            var skip = cursor is { } at && at.Name == file.Name && at.LastModified == file.LastModified ? at.Records : 0;
            context.Logger.LogInformation("Reading {File} ({Bytes} bytes, modified {Modified:O}) from record {Skip}", file.Name, file.Size, file.LastModified, skip + 1);
            var plan = new FileReadPlan(file, dataColumns, settings);
            await using var stream = await store.OpenReadAsync(file, cancellationToken);
            var records = settings.Format switch
            {
                FileFormat.Csv => CsvFileReader.ReadAsync(stream, plan, skip, cancellationToken),
                FileFormat.JsonLines => JsonLinesFileReader.ReadAsync(stream, plan, skip, cancellationToken),
                _ => ParquetFileReader.ReadAsync(stream, plan, skip, cancellationToken),
            };

            // One record of lookahead, so the page that ends the file carries the "done" cursor (no empty page after it).
            await using var enumerator = records.GetAsyncEnumerator(cancellationToken);
            var read = skip;
            var page = new List<SourceRecord>(settings.PageSize);
            var more = await NextAsync(enumerator, file);
            while (more)
            {
                page.Add(enumerator.Current);
                read++;
                more = await NextAsync(enumerator, file);
                if (page.Count == settings.PageSize || !more)
                {
                    yield return new SourcePage(page, (more ? FileCursor.Within(file, read) : FileCursor.Completed(file)).ToString());
                    page = new List<SourceRecord>(settings.PageSize);
                }
            }

            if (read == skip)
            {
                // Empty, header-only, or already stored to its last record: the cursor still moves past it.
                yield return new SourcePage([], FileCursor.Completed(file).ToString());
            }
        }
    }

    public async ValueTask<StreamCheck> CheckAsync(SourceContext context, StreamDefinition stream, CancellationToken cancellationToken)
    {
        try
        {
            var settings = FilesStreamSettings.From(stream);
            var store = await OpenStoreAsync(context, cancellationToken);
            var files = await ListAsync(store, settings.Glob, cancellationToken);
            if (files.Count == 0)
            {
                return new StreamCheck(stream.Name, true, $"{store.Description} is reachable; no file matches {settings.Glob.Pattern} yet");
            }

            var newest = files[^1];
            var columns = await InferAsync(store, settings with { SampleRows = 10 }, cancellationToken);
            return new StreamCheck(stream.Name, true, $"{files.Count} file(s) match {settings.Glob.Pattern} in {store.Description}; the newest, {newest.Name} ({newest.LastModified:O}), has {columns.Count} column(s)");
        }
        catch (Exception ex) when (ex is SourceException or IOException or UnauthorizedAccessException or Azure.RequestFailedException or Azure.Identity.AuthenticationFailedException)
        {
            return new StreamCheck(stream.Name, false, ex.Message);
        }
    }

    public async ValueTask<DiscoveredStream> DiscoverAsync(SourceContext context, StreamDefinition stream, CancellationToken cancellationToken)
    {
        var settings = FilesStreamSettings.From(stream);
        var columns = await InferAsync(await OpenStoreAsync(context, cancellationToken), settings, cancellationToken);
        var schema = new StreamSchema(stream.Name, [.. columns, .. Bookkeeping], stream.PrimaryKey.Count > 0 ? stream.PrimaryKey : [FileColumn, RowColumn], ModifiedColumn);
        var pinned = new Dictionary<string, string>(stream.Settings, StringComparer.OrdinalIgnoreCase) { ["columns"] = DeclaredColumns.Format(columns) };
        return new DiscoveredStream(schema, pinned);
    }

    /// <summary>The files the pattern matches, in reading order: last-modified, then name.</summary>
    private static async Task<List<StoredFile>> ListAsync(IFileStore store, FileGlob glob, CancellationToken cancellationToken)
    {
        var files = new List<StoredFile>();
        await foreach (var file in store.ListAsync(glob.Prefix, cancellationToken))
        {
            if (glob.IsMatch(file.Name))
            {
                files.Add(file);
            }
        }

        files.Sort((a, b) => FileCursor.Compare(a.LastModified, a.Name, b.LastModified, b.Name));
        return files;
    }

    /// <summary>
    /// The columns of the newest files (newest first, until <see cref="FilesStreamSettings.SampleRows"/> records were
    /// seen; Parquet from the newest file's footer): names in order of first appearance, types inferred.
    /// </summary>
    private static async Task<List<ColumnSchema>> InferAsync(IFileStore store, FilesStreamSettings settings, CancellationToken cancellationToken)
    {
        var files = await ListAsync(store, settings.Glob, cancellationToken);
        var names = new List<string>();
        var guesses = new Dictionary<string, ColumnTypeGuess>();
        var sampled = 0;
        for (var i = files.Count - 1; i >= 0 && sampled < settings.SampleRows; i--)
        {
            var file = files[i];
            await using var stream = await store.OpenReadAsync(file, cancellationToken);
            try
            {
                switch (settings.Format)
                {
                    case FileFormat.Parquet:
                        return await ParquetFileReader.DescribeAsync(stream, file.Name, cancellationToken);
                    case FileFormat.JsonLines:
                        // Older files too, until sampleRows: a newest file of whole numbers must not make an older file's 0.1 a quarantined integer.
                        var (keys, records) = await JsonLinesFileReader.SampleAsync(stream, settings.SampleRows - sampled, cancellationToken);
                        foreach (var (name, guess) in keys)
                        {
                            Merge(name).AddFrom(guess);
                        }

                        sampled += records;
                        break;
                    default:
                        var (columns, rows) = await CsvFileReader.SampleAsync(stream, settings, settings.SampleRows - sampled, cancellationToken);
                        var targets = columns.Select(Merge).ToList();
                        foreach (var row in rows)
                        {
                            for (var c = 0; c < row.Length && c < targets.Count; c++)
                            {
                                targets[c].AddText(row[c]);
                            }
                        }

                        sampled += rows.Count;
                        break;
                }
            }
            catch (Exception ex) when (ex is not (SourceException or OperationCanceledException))
            {
                throw new SourceException($"file {file.Name}: cannot be read as {settings.Format}: {ex.Message}", ex);
            }
        }

        return names.Select(n => new ColumnSchema(n, guesses[n].Result)).ToList();

        ColumnTypeGuess Merge(string name)
        {
            if (!guesses.TryGetValue(name, out var guess))
            {
                names.Add(name);
                guesses[name] = guess = new ColumnTypeGuess();
            }

            return guess;
        }
    }

    private static async Task<bool> NextAsync(IAsyncEnumerator<SourceRecord> records, StoredFile file)
    {
        try
        {
            return await records.MoveNextAsync();
        }
        catch (Exception ex) when (ex is not (SourceException or OperationCanceledException))
        {
            // Parser messages name lines and offsets, never cell values (CsvHelper runs with IncludeValuesInExceptions off).
            throw new SourceException($"file {file.Name}: {ex.Message}", ex);
        }
    }

    private static async Task<IFileStore> OpenStoreAsync(SourceContext context, CancellationToken cancellationToken)
    {
        var settings = FilesSettings.From(context.Source);
        if (settings.Folder is { } folder)
        {
            return new LocalFileStore(folder);
        }

        if (settings.AccountUrl is { } accountUrl)
        {
            var uri = new Uri(accountUrl, settings.Container);
            return new BlobFileStore(new BlobContainerClient(uri, AzureCredentials.Create(settings.ClientId)));
        }

        var connection = await context.SecretAsync(FilesSettings.ConnectionSecret, cancellationToken);
        try
        {
            return new BlobFileStore(new BlobContainerClient(connection, settings.Container));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            // The message of a parse failure may quote the connection string: never pass it on.
            throw new SourceException($"source '{context.Source.Name}': the '{FilesSettings.ConnectionSecret}' secret is not a storage connection string");
        }
    }
}
