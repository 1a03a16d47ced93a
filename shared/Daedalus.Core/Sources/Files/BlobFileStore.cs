using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Daedalus.Sources.Files;

/// <summary>
/// Blobs of one Azure Blob Storage container. Reads pin the ETag the listing saw (a blob replaced mid-read fails the
/// read rather than mixing versions) and go through the SDK's ranged read stream, so a blob is never held whole.
/// </summary>
public sealed class BlobFileStore : IFileStore
{
    private readonly BlobContainerClient _container;

    public BlobFileStore(BlobContainerClient container)
    {
        _container = container;
    }

    public string Description => $"container {_container.Name}";

    public async IAsyncEnumerable<StoredFile> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pages = _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix.Length == 0 ? null : prefix }, cancellationToken).AsPages().GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await pages.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (RequestFailedException ex)
                {
                    throw new SourceException($"listing {Description} failed: {ex.Status} {ex.ErrorCode}", ex);
                }

                foreach (var blob in pages.Current.Values)
                {
                    if (blob.Deleted || blob.Properties.LastModified is not { } modified)
                    {
                        continue;
                    }

                    yield return new StoredFile(blob.Name, modified.ToUniversalTime(), blob.Properties.ContentLength ?? 0, blob.Properties.ETag?.ToString());
                }
            }
        }
        finally
        {
            await pages.DisposeAsync();
        }
    }

    public async Task<Stream> OpenReadAsync(StoredFile file, CancellationToken cancellationToken)
    {
        var options = new BlobOpenReadOptions(allowModifications: false) { BufferSize = 4 * 1024 * 1024 };
        if (file.Version is { } etag)
        {
            options.Conditions = new BlobRequestConditions { IfMatch = new ETag(etag) };
        }

        try
        {
            return await _container.GetBlobClient(file.Name).OpenReadAsync(options, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            throw new SourceException($"blob {file.Name} was deleted or replaced since it was listed; the next run reads what is there", ex);
        }
        catch (RequestFailedException ex)
        {
            throw new SourceException($"reading blob {file.Name} failed: {ex.Status} {ex.ErrorCode}", ex);
        }
    }
}
