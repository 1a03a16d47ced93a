using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Daedalus.Sources.QuickBooks;

/// <summary>
/// OAuth 2.0 refresh for QuickBooks, with rotation: every refresh may hand out a new refresh token (the old one
/// dies 24 h later), so the new one is written to the secret store before the access token is used; if the write
/// fails, nothing is used. Access tokens are kept in memory only, per source, until shortly before they expire.
/// </summary>
public sealed class QuickBooksTokenClient
{
    /// <summary>Stop using an access token this long before QuickBooks says it expires.</summary>
    public static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, QuickBooksAccessToken> _tokens = new(StringComparer.Ordinal);

    // One refresh at a time per source: two concurrent refreshes would rotate twice and race on the store.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    public async Task<string> AccessTokenAsync(SourceContext context, QuickBooksSettings settings, string? rejected, CancellationToken cancellationToken)
    {
        var key = $"{context.Source.Name}|{settings.TokenUrl}";
        if (_tokens.TryGetValue(key, out var cached) && cached.Value != rejected && cached.UseUntil > context.Clock.GetUtcNow())
        {
            return cached.Value;
        }

        var gate = _gates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            // Another stream may have refreshed while this one waited.
            if (_tokens.TryGetValue(key, out cached) && cached.Value != rejected && cached.UseUntil > context.Clock.GetUtcNow())
            {
                return cached.Value;
            }

            _tokens.TryRemove(key, out _);
            var token = await RefreshAsync(context, settings, cancellationToken);
            _tokens[key] = token;
            return token.Value;
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task<QuickBooksAccessToken> RefreshAsync(SourceContext context, QuickBooksSettings settings, CancellationToken cancellationToken)
    {
        var clientId = await context.SecretAsync("client_id", cancellationToken);
        var clientSecret = await context.SecretAsync("client_secret", cancellationToken);
        var refreshToken = await context.SecretAsync("refresh_token", cancellationToken);

        using var request = new HttpRequestMessage(HttpMethod.Post, settings.TokenUrl)
        {
            Content = new FormUrlEncodedContent([new("grant_type", "refresh_token"), new("refresh_token", refreshToken)]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{clientSecret}")));
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
            throw new SourceException($"the QuickBooks token endpoint {settings.TokenUrl} could not be reached: {ex.Message}", ex);
        }

        var refreshKey = context.Source.Secrets.TryGetValue("refresh_token", out var reference) ? reference : $"{context.Source.Name}-refresh_token";
        if (status != 200)
        {
            // The token endpoint answers {"error":"invalid_grant"} style bodies; never echo the request.
            var error = ErrorCode(body);
            throw status switch
            {
                400 when error == "invalid_grant" => new SourceException(
                    $"QuickBooks refused the refresh token (invalid_grant): it expired or was revoked, so re-consent is needed; put the new refresh token in the secret store as '{refreshKey}'"),
                401 or 400 when error == "invalid_client" => new SourceException(
                    $"QuickBooks refused the app's client id/secret (invalid_client, HTTP {status}); check the client_id and client_secret secrets"),
                429 => new SourceRateLimitedException($"the QuickBooks token endpoint is throttling (HTTP 429)", retryAfter),
                _ => new SourceException($"the QuickBooks token endpoint answered HTTP {status}{(error is null ? "" : $" ({error})")}"),
            };
        }

        QuickBooksTokenReply reply;
        try
        {
            reply = JsonSerializer.Deserialize<QuickBooksTokenReply>(body) ?? throw new JsonException("empty body");
        }
        catch (JsonException ex)
        {
            throw new SourceException($"the QuickBooks token endpoint answered with a body that is not a token reply ({ex.Message})", ex);
        }

        if (string.IsNullOrEmpty(reply.AccessToken))
        {
            throw new SourceException("the QuickBooks token endpoint answered without an access_token");
        }

        if (!string.IsNullOrEmpty(reply.RefreshToken) && reply.RefreshToken != refreshToken)
        {
            // Stored first: if the store fails, the access token is never used and the old refresh token still works for 24 h.
            await context.SetSecretAsync("refresh_token", reply.RefreshToken, cancellationToken);
            context.Logger.LogInformation("QuickBooks source {Source}: the refresh token rotated; the new one is in the secret store as {Key}", context.Source.Name, refreshKey);
        }

        var lifetime = TimeSpan.FromSeconds(reply.ExpiresIn is > 0 ? reply.ExpiresIn.Value : 3600);
        var margin = lifetime > ExpiryMargin * 2 ? ExpiryMargin : lifetime / 2;
        return new QuickBooksAccessToken(reply.AccessToken, context.Clock.GetUtcNow() + lifetime - margin);
    }

    private static string? ErrorCode(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                ? error.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
