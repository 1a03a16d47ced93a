using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Daedalus.Sources.Rest;

/// <summary>
/// OAuth 2.0 access tokens for rest sources: the client credentials grant, or the refresh token grant with
/// rotation. A rotated refresh token (the old one may stop working at once) is written to the secret store before
/// the access token is used; if that write fails, nothing is used. Access tokens live in memory only, per source
/// and token endpoint, one refresh at a time.
/// </summary>
public sealed class RestTokenClient
{
    /// <summary>Stop using an access token this long before it expires (or at half its life when shorter).</summary>
    public static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, RestAccessToken> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    /// <summary>A usable access token; <paramref name="rejected"/> is one the API just refused (forces a new one).</summary>
    public async Task<string> AccessTokenAsync(SourceContext context, RestAuthSettings auth, string? rejected, CancellationToken cancellationToken)
    {
        var key = $"{context.Source.Name}|{auth.TokenUrl}";
        if (_tokens.TryGetValue(key, out var cached) && cached.Value != rejected && cached.UseUntil > context.Clock.GetUtcNow())
        {
            return cached.Value;
        }

        var gate = _gates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (_tokens.TryGetValue(key, out cached) && cached.Value != rejected && cached.UseUntil > context.Clock.GetUtcNow())
            {
                return cached.Value;
            }

            _tokens.TryRemove(key, out _);
            var token = await RequestAsync(context, auth, cancellationToken);
            _tokens[key] = token;
            return token.Value;
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task<RestAccessToken> RequestAsync(SourceContext context, RestAuthSettings auth, CancellationToken cancellationToken)
    {
        var clientId = await context.SecretAsync(RestAuthSettings.ClientIdSecret, cancellationToken);
        var clientSecret = await context.SecretAsync(RestAuthSettings.ClientSecretSecret, cancellationToken);
        var form = new List<KeyValuePair<string, string>>();
        string? refreshToken = null;
        if (auth.Kind == RestAuthKind.OAuthRefreshToken)
        {
            refreshToken = await context.SecretAsync(RestAuthSettings.RefreshTokenSecret, cancellationToken);
            form.Add(new("grant_type", "refresh_token"));
            form.Add(new("refresh_token", refreshToken));
        }
        else
        {
            form.Add(new("grant_type", "client_credentials"));
        }

        if (auth.Scope is not null)
        {
            form.Add(new("scope", auth.Scope));
        }

        if (auth.ClientInBody)
        {
            form.Add(new("client_id", clientId));
            form.Add(new("client_secret", clientSecret));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, auth.TokenUrl) { Content = new FormUrlEncodedContent(form) };
        if (!auth.ClientInBody)
        {
            // RFC 6749 §2.3.1: form-encode id and secret before joining them.
            var pair = $"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(clientSecret)}";
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        int status;
        string body;
        TimeSpan? retryAfter;
        try
        {
            using var response = await context.Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            status = (int)response.StatusCode;
            body = await response.Content.ReadAsStringAsync(cancellationToken);
            retryAfter = response.Headers.RetryAfter?.Delta;
        }
        catch (Exception ex) when (ex is HttpRequestException or BrokenCircuitException or TimeoutRejectedException)
        {
            throw new SourceException($"the OAuth token endpoint {auth.TokenUrl!.GetLeftPart(UriPartial.Path)} could not be reached: {ex.Message}", ex);
        }

        var refreshKey = context.Source.Secrets.TryGetValue(RestAuthSettings.RefreshTokenSecret, out var reference) ? reference : $"{context.Source.Name}-{RestAuthSettings.RefreshTokenSecret}";
        if (status != 200)
        {
            // Only the RFC 6749 error code travels: descriptions may quote what was sent.
            var error = ErrorCode(body);
            throw status switch
            {
                400 when error == "invalid_grant" && refreshToken is not null => new SourceException(
                    $"the OAuth token endpoint refused the refresh token (invalid_grant): it expired, was revoked or was already used; put a new one in the secret store as '{refreshKey}'"),
                400 or 401 when error == "invalid_client" || status == 401 => new SourceException(
                    $"the OAuth token endpoint refused the client id/secret (HTTP {status}{(error is null ? "" : $", {error}")}); check the client_id and client_secret secrets"),
                429 => new SourceRateLimitedException("the OAuth token endpoint is throttling (HTTP 429)", retryAfter),
                _ => new SourceException($"the OAuth token endpoint answered HTTP {status}{(error is null ? "" : $" ({error})")}"),
            };
        }

        RestTokenReply reply;
        try
        {
            reply = JsonSerializer.Deserialize<RestTokenReply>(body) ?? throw new JsonException("empty body");
        }
        catch (JsonException)
        {
            throw new SourceException("the OAuth token endpoint answered HTTP 200 with a body that is not a JSON token reply");
        }

        if (string.IsNullOrEmpty(reply.AccessToken))
        {
            throw new SourceException("the OAuth token endpoint answered without an access_token");
        }

        if (refreshToken is not null && !string.IsNullOrEmpty(reply.RefreshToken) && reply.RefreshToken != refreshToken)
        {
            // Stored before use: if the store fails the access token is never used, so the rotation is not lost silently.
            await context.SetSecretAsync(RestAuthSettings.RefreshTokenSecret, reply.RefreshToken, cancellationToken);
            context.Logger.LogInformation("rest source {Source}: the refresh token rotated; the new one is in the secret store as {Key}", context.Source.Name, refreshKey);
        }

        var lifetime = TimeSpan.FromSeconds(reply.ExpiresIn is > 0 ? reply.ExpiresIn.Value : 3600);
        var margin = lifetime > ExpiryMargin * 2 ? ExpiryMargin : lifetime / 2;
        return new RestAccessToken(reply.AccessToken, context.Clock.GetUtcNow() + lifetime - margin);
    }

    private static string? ErrorCode(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                && error.GetString() is { Length: <= 64 } code && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
                ? code
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
