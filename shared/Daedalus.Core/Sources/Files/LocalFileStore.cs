using System.Runtime.CompilerServices;

namespace Daedalus.Sources.Files;

/// <summary>Files under a local folder (or a mounted share). Names are relative to the folder, '/' separated.</summary>
public sealed class LocalFileStore : IFileStore
{
    private readonly string _root;

    public LocalFileStore(string folder)
    {
        _root = Path.GetFullPath(folder);
    }

    public string Description => $"folder {_root}";

    public async IAsyncEnumerable<StoredFile> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_root))
        {
            throw new SourceException($"{Description} does not exist or cannot be read");
        }

        var start = Path.GetFullPath(Path.Combine(_root, prefix));
        if (!start.StartsWith(_root, StringComparison.Ordinal) || !Directory.Exists(start))
        {
            yield break;
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System };
        foreach (var path in Directory.EnumerateFiles(start, "*", options))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var info = new FileInfo(path);
            var name = Path.GetRelativePath(_root, path).Replace(Path.DirectorySeparatorChar, '/');
            yield return new StoredFile(name, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero), info.Length);
        }

        await Task.CompletedTask;
    }

    public Task<Stream> OpenReadAsync(StoredFile file, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(Path.Combine(_root, file.Name));
        if (!path.StartsWith(_root, StringComparison.Ordinal))
        {
            throw new SourceException($"file {file.Name} is outside {Description}");
        }

        try
        {
            // Sequential scan hint: CSV and JSON Lines read front to back; Parquet seeks a few times per row group.
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
            if (new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero) != file.LastModified)
            {
                stream.Dispose();
                throw new SourceException($"file {file.Name} changed since it was listed; the next run reads it");
            }

            return Task.FromResult<Stream>(stream);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SourceException($"file {file.Name} disappeared since it was listed", ex);
        }
    }
}
