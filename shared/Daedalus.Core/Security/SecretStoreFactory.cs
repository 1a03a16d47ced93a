namespace Daedalus.Security;

/// <summary>Lets a host add a secret store (e.g. Key Vault) selectable by <see cref="SecurityOptions.SecretProvider"/>.</summary>
public sealed record SecretStoreFactory(string Provider, Func<IServiceProvider, ISecretStore> Create);
