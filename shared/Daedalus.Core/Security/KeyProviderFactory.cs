namespace Daedalus.Security;

/// <summary>Lets a host add a key provider (e.g. Key Vault) selectable by <see cref="SecurityOptions.KeyProvider"/>.</summary>
public sealed record KeyProviderFactory(string Provider, Func<IServiceProvider, IKeyProvider> Create);
