namespace Daedalus.Sources.Files;

/// <summary>Where a <c>files</c> source's files live: a local folder or an Azure Blob Storage container.</summary>
public interface IFileStore
{
    /// <summary>What <see cref="ListAsync"/> and errors call this store (a folder path or a container name; no secret).</summary>
    string Description { get; }

    /// <summary>Every file whose name starts with <paramref name="prefix"/> ('/' separated, may be empty), in no particular order.</summary>
    IAsyncEnumerable<StoredFile> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>
    /// Opens the file for reading, as the listing saw it. The stream is seekable (Parquet reads its footer first);
    /// reading it never loads the whole file into memory. Throws <see cref="SourceException"/> when the file is gone
    /// or was replaced since it was listed.
    /// </summary>
    Task<Stream> OpenReadAsync(StoredFile file, CancellationToken cancellationToken);
}
