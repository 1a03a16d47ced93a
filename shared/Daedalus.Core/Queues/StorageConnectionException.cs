namespace Daedalus.Queues;

/// <summary>The storage connection setting is missing or unusable; says which setting to fix.</summary>
public sealed class StorageConnectionException : Exception
{
    public StorageConnectionException(string message)
        : base(message)
    {
    }

    public StorageConnectionException()
    {
    }

    public StorageConnectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
