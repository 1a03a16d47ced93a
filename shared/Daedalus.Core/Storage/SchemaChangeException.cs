namespace Daedalus.Storage;

/// <summary>The source's schema changed in a way that would lose data if applied; nothing was changed.</summary>
public sealed class SchemaChangeException : Exception
{
    public SchemaChangeException(string message)
        : base(message)
    {
    }

    public SchemaChangeException()
    {
    }

    public SchemaChangeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
