using System.Collections.Concurrent;
using Azure.Core;

namespace Daedalus.Tests.Storage;

/// <summary>
/// Stands in for Microsoft Entra, which cannot be reached offline: issues a fixed token and records the
/// scopes asked for.
/// </summary>
public sealed class IssuedTokenCredential : TokenCredential
{
    private readonly string _token;

    public IssuedTokenCredential(string token) => _token = token;

    public ConcurrentQueue<string> Scopes { get; } = new();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        foreach (var scope in requestContext.Scopes)
        {
            Scopes.Enqueue(scope);
        }

        return ValueTask.FromResult(new AccessToken(_token, DateTimeOffset.UtcNow.AddHours(1)));
    }
}
