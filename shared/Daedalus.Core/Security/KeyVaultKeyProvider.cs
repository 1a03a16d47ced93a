using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Azure;
using Azure.Security.KeyVault.Secrets;

namespace Daedalus.Security;

/// <summary>
/// Column keys as Key Vault secrets: each key under <c>daedalus-column-key-{id}</c> (base64 of 32 bytes), the
/// active id under <c>daedalus-column-key-active</c>. The first use creates one key, as the local key file does;
/// rotating = writing a new key and pointing the active secret at it. Keys are cached; the active id is re-read
/// every few minutes so a rotation is picked up without a restart.
/// </summary>
public sealed class KeyVaultKeyProvider : IKeyProvider
{
    private static readonly TimeSpan ActiveRefresh = TimeSpan.FromMinutes(5);
    private readonly SecretClient _client;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, ProtectionKey> _keys = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Id, DateTimeOffset ReadAt)? _active;

    public KeyVaultKeyProvider(SecretClient client, TimeProvider clock)
    {
        _client = client;
        _clock = clock;
    }

    public async ValueTask<ProtectionKey> GetActiveKeyAsync(CancellationToken cancellationToken)
    {
        if (_active is { } cached && _clock.GetUtcNow() - cached.ReadAt < ActiveRefresh && _keys.TryGetValue(cached.Id, out var known))
        {
            return known;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var id = await ReadAsync(KeyVaultNames.ActiveColumnKey, cancellationToken);
            if (id is null)
            {
                id = "k" + _clock.GetUtcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2));
                await _client.SetSecretAsync(KeyVaultNames.ColumnKey(id), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), cancellationToken);
                await _client.SetSecretAsync(KeyVaultNames.ActiveColumnKey, id, cancellationToken);
            }

            var key = await GetKeyAsync(id, cancellationToken)
                ?? throw new CryptographicException($"Key Vault secret {KeyVaultNames.ActiveColumnKey} names key '{id}', but {KeyVaultNames.ColumnKey(id)} does not exist");
            _active = (id, _clock.GetUtcNow());
            return key;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask<ProtectionKey?> GetKeyAsync(string id, CancellationToken cancellationToken)
    {
        if (_keys.TryGetValue(id, out var known))
        {
            return known;
        }

        var material = await ReadAsync(KeyVaultNames.ColumnKey(id), cancellationToken);
        if (material is null)
        {
            return null;
        }

        var bytes = Convert.FromBase64String(material);
        if (bytes.Length != 32)
        {
            throw new CryptographicException($"Key Vault secret {KeyVaultNames.ColumnKey(id)} is not a 256-bit key");
        }

        return _keys.GetOrAdd(id, new ProtectionKey(id, bytes));
    }

    private async Task<string?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await _client.GetSecretAsync(name, cancellationToken: cancellationToken)).Value.Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }
}
