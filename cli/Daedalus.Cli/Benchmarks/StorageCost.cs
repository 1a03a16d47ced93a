namespace Daedalus.Cli.Benchmarks;

/// <summary>
/// What a queue run cost in Azure Storage terms: every REST call is a billed transaction; queue messages sent;
/// blob bytes written; claim-check envelope bytes before compression and as stored.
/// </summary>
public sealed record StorageCost(long Transactions, long MessagesSent, long BlobBytesWritten, long EnvelopeBytes, long StoredBytes)
{
    public StorageCost Add(StorageCost other) => new(
        Transactions + other.Transactions, MessagesSent + other.MessagesSent, BlobBytesWritten + other.BlobBytesWritten, EnvelopeBytes + other.EnvelopeBytes, StoredBytes + other.StoredBytes);
}
