using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace Daedalus.Security;

/// <summary>
/// API keys: <c>dk_&lt;id&gt;_&lt;secret&gt;</c>, 256 random bits of secret. Only the SHA-256 of the whole key is
/// stored; the key is shown once, at creation. A plain hash is enough: the key is random, not a password.
/// </summary>
public sealed class ApiKeyStore
{
    public const string ReadScope = "read";
    public const string WriteScope = "write";
    public static readonly string[] Scopes = [ReadScope, WriteScope];

    private readonly NpgsqlDataSource _dataSource;

    public ApiKeyStore(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
    }

    /// <summary>Creates a key; the returned text is the only time the key exists in clear.</summary>
    public async Task<(string Id, string Key)> CreateAsync(string name, IReadOnlyCollection<string> scopes, CancellationToken cancellationToken)
    {
        if (scopes.Count == 0 || scopes.Any(s => !Scopes.Contains(s)))
        {
            throw new ArgumentException($"scopes must be some of: {string.Join(", ", Scopes)}", nameof(scopes));
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var key = $"dk_{id}_{Base64Url(RandomNumberGenerator.GetBytes(32))}";
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO daedalus.api_keys (id, name, key_hash, scopes) VALUES (@id, @name, @hash, @scopes)",
            new { id, name, hash = Hash(key), scopes = scopes.Distinct().Order().ToArray() },
            transaction,
            cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO daedalus.audit_log (actor, action, target, detail) VALUES ('cli', 'apikey.create', @id, jsonb_build_object('name', @name::text, 'scopes', @scopes::text[]))",
            new { id, name, scopes = scopes.ToArray() },
            transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return (id, key);
    }

    /// <summary>Revokes by id; false when there is no such active key.</summary>
    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var revoked = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE daedalus.api_keys SET revoked_at = now() WHERE id = @id AND revoked_at IS NULL", new { id }, transaction, cancellationToken: cancellationToken)) > 0;
        if (revoked)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO daedalus.audit_log (actor, action, target) VALUES ('cli', 'apikey.revoke', @id)", new { id }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return revoked;
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken cancellationToken)
    {
        // Read by hand: Dapper cannot build the positional record from a text[] column (it sees System.Array).
        await using var command = _dataSource.CreateCommand("SELECT id, name, scopes, created_at, revoked_at FROM daedalus.api_keys ORDER BY created_at, id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<ApiKeyInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new ApiKeyInfo(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetFieldValue<string[]>(2),
                reader.GetFieldValue<DateTime>(3),
                await reader.IsDBNullAsync(4, cancellationToken) ? null : reader.GetFieldValue<DateTime>(4)));
        }

        return keys;
    }

    /// <summary>The scopes of an active key, or null. The hash comparison is constant-time.</summary>
    public async Task<string[]?> VerifyAsync(string key, CancellationToken cancellationToken)
    {
        var id = IdOf(key);
        if (id is null)
        {
            return null;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<(byte[] KeyHash, string[] Scopes)?>(new CommandDefinition(
            "SELECT key_hash, scopes FROM daedalus.api_keys WHERE id = @id AND revoked_at IS NULL", new { id }, cancellationToken: cancellationToken));
        if (row is not { } found)
        {
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(Hash(key), found.KeyHash) ? found.Scopes : null;
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string? IdOf(string key)
    {
        var parts = key.Split('_');
        return parts.Length == 3 && parts[0] == "dk" && parts[1].Length == 12 && parts[1].All(char.IsAsciiHexDigitLower) ? parts[1] : null;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '.');
}
