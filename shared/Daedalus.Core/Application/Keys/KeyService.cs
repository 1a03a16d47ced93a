using Daedalus.Security;

namespace Daedalus.Application.Keys;

/// <summary>
/// API keys of the self-hosted API: create (the key is returned once; only its hash is stored), list (never the keys)
/// and revoke. An administration task on the database (the CLI's <c>keys</c> commands), not an HTTP resource: a key
/// cannot mint keys.
/// </summary>
public sealed class KeyService
{
    private readonly ApiKeyStore _store;

    public KeyService(ApiKeyStore store)
    {
        _store = store;
    }

    /// <summary>A new key with <paramref name="scopes"/> (some of read, write); Invalid for an empty name or unknown scope.</summary>
    public async Task<ServiceResult<(string Id, string Key)>> CreateAsync(string name, IReadOnlyCollection<string> scopes, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200 || name.Any(char.IsControl))
        {
            errors["name"] = ["required: 1 to 200 printable characters"];
        }

        if (scopes.Count == 0 || scopes.Any(s => !ApiKeyStore.Scopes.Contains(s)))
        {
            errors["scope"] = [$"some of: {string.Join(", ", ApiKeyStore.Scopes)}"];
        }

        if (errors.Count > 0)
        {
            return ServiceError.Invalid(errors, "The key request is invalid.");
        }

        return await _store.CreateAsync(name.Trim(), scopes, cancellationToken);
    }

    public Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken cancellationToken) => _store.ListAsync(cancellationToken);

    /// <summary>Revokes the key with <paramref name="id"/>; NotFound when there is no such active key.</summary>
    public async Task<ServiceResult<bool>> RevokeAsync(string id, CancellationToken cancellationToken) =>
        await _store.RevokeAsync(id, cancellationToken) ? true : ServiceError.NotFound($"There is no active key with id '{Sources.SourceService.Printable(id)}'.");
}
