namespace Daedalus.Security;

/// <summary>Keys for protected columns: the active one for writing, any known one for reading.</summary>
public interface IKeyProvider
{
    ValueTask<ProtectionKey> GetActiveKeyAsync(CancellationToken cancellationToken);

    ValueTask<ProtectionKey?> GetKeyAsync(string id, CancellationToken cancellationToken);
}
