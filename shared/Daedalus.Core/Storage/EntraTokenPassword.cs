using Azure.Core;
using Npgsql;

namespace Daedalus.Storage;

/// <summary>
/// Azure Database for PostgreSQL with Microsoft Entra authentication: the password is an access token for the
/// identity named as the connection string's user, fetched by the data source on a timer.
/// </summary>
public static class EntraTokenPassword
{
    /// <summary>The token audience Azure Database for PostgreSQL accepts.</summary>
    public const string Scope = "https://ossrdbms-aad.database.windows.net/.default";

    /// <summary>
    /// Well inside a token's lifetime (at least an hour), and the credential serves cached tokens until
    /// 5 minutes before expiry, so the password in use is always minutes from expiring at worst.
    /// </summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(2);

    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(10);

    public static NpgsqlDataSourceBuilder UseEntraTokenPassword(this NpgsqlDataSourceBuilder builder, TokenCredential credential) =>
        builder.UsePeriodicPasswordProvider(
            async (_, cancellationToken) => (await credential.GetTokenAsync(new TokenRequestContext([Scope]), cancellationToken)).Token,
            RefreshInterval,
            RetryInterval);
}
