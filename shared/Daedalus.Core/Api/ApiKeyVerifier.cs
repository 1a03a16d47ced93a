using System.Collections.Concurrent;
using Daedalus.Security;
using Microsoft.Extensions.Options;

namespace Daedalus.Api;

/// <summary>
/// Resolves a presented key to its scopes from the database, with a short
/// cache keyed by the key's hash so a busy API doesn't query PostgreSQL on every request.
/// </summary>
public sealed class ApiKeyVerifier
{
    private readonly ApiKeyStore _store;
    private readonly TimeProvider _clock;
    private readonly ApiOptions _options;
    private readonly ConcurrentDictionary<string, (string[]? Scopes, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public ApiKeyVerifier(ApiKeyStore store, TimeProvider clock, IOptions<ApiOptions> options)
    {
        _store = store;
        _clock = clock;
        _options = options.Value;
    }

    /// <summary>The key's scopes, or null when the key is unknown or revoked.</summary>
    public async ValueTask<string[]?> VerifyAsync(string key, CancellationToken cancellationToken)
    {
        var cacheKey = Convert.ToHexString(ApiKeyStore.Hash(key));
        var now = _clock.GetUtcNow();
        if (_cache.TryGetValue(cacheKey, out var cached) && cached.Until > now)
        {
            return cached.Scopes;
        }

        var scopes = await _store.VerifyAsync(key, cancellationToken);
        if (_options.KeyCacheSeconds > 0)
        {
            // Bounded: an attacker spraying random keys must not grow memory without limit.
            if (_cache.Count > 10_000)
            {
                _cache.Clear();
            }

            _cache[cacheKey] = (scopes, now.AddSeconds(_options.KeyCacheSeconds));
        }

        return scopes;
    }
}
