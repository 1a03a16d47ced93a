namespace Daedalus.Storage;

/// <summary>Bound from <c>Daedalus:Database</c>. No connection string = the embedded local cluster.</summary>
public sealed class DatabaseOptions
{
    public string? ConnectionString { get; set; }

    /// <summary>Where the embedded cluster lives when no connection string is given.</summary>
    public string DataDirectory { get; set; } = ".daedalus/postgres";

    public bool MigrateOnStart { get; set; } = true;
}
