using Azure;
using Azure.Security.KeyVault.Secrets;

namespace Daedalus.Security;

/// <summary>Source secrets in Azure Key Vault (names mapped by <see cref="KeyVaultNames.Secret"/>); writes create a new version.</summary>
public sealed class KeyVaultSecretStore : ISecretStore
{
    private readonly SecretClient _client;

    public KeyVaultSecretStore(SecretClient client)
    {
        _client = client;
    }

    public async ValueTask<string?> GetAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var secret = await _client.GetSecretAsync(KeyVaultNames.Secret(name), cancellationToken: cancellationToken);
            return secret.Value.Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public async ValueTask SetAsync(string name, string value, CancellationToken cancellationToken) =>
        await _client.SetSecretAsync(KeyVaultNames.Secret(name), value, cancellationToken);
}
