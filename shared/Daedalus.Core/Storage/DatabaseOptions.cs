namespace Daedalus.Storage;

/// <summary>Bound from <c>Daedalus:Database</c>. No connection string = the embedded local cluster.</summary>
public sealed class DatabaseOptions
{
    public string? ConnectionString { get; set; }

    /// <summary>Where the embedded cluster lives when no connection string is given.</summary>
    public string DataDirectory { get; set; } = ".daedalus/postgres";

    public bool MigrateOnStart { get; set; } = true;

    /// <summary>
    /// Azure Database for PostgreSQL with Microsoft Entra authentication: no password in the connection string;
    /// the app's managed identity (<c>AZURE_CLIENT_ID</c>) gets an access token and sends it as the password.
    /// </summary>
    public bool EntraAuthentication { get; set; }
}
