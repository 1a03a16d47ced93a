namespace Daedalus.Security;

/// <summary>Secrets by name. Local file in development, Key Vault in Azure. Writable for rotating tokens.</summary>
public interface ISecretStore
{
    ValueTask<string?> GetAsync(string name, CancellationToken cancellationToken);

    ValueTask SetAsync(string name, string value, CancellationToken cancellationToken);
}
