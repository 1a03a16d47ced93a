using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Daedalus.Sources.Rest;

/// <summary>
/// GET requests for one pull of a rest source: default headers and parameters, credentials (never in URLs it hands
/// back), rate limits and errors. Transport failures, 5xx, 429 (and 403 with the remaining-budget header at 0) are
/// tried again as the one <see cref="SourceRetryPolicy"/> allows within <see cref="RestSettings.MaxWait"/> for the
/// whole stream; past that a rate limit ends the pull early (<see cref="SourceRateLimitedException"/>, cursor kept)
/// and anything else fails the stream. Other 4xx fail the stream (<see cref="RestHttpException"/>) with path, status
/// and the API's message with any credential this client sent replaced by <c>[secret]</c>.
/// </summary>
public sealed class RestApiClient
{
    /// <summary>The wait when a used-up budget names no reset.</summary>
    public static readonly TimeSpan DefaultThrottleWait = TimeSpan.FromSeconds(60);

    private const int MaxMessageLength = 300;

    private readonly SourceContext _context;
    private readonly RestSettings _settings;
    private readonly RestTokenClient _tokens;
    private readonly HashSet<string> _secrets = new(StringComparer.Ordinal);
    private readonly SourceRetryPolicy _retry;
    private TimeSpan? _exhaustedFor;

    public RestApiClient(SourceContext context, RestSettings settings, RestTokenClient tokens)
    {
        _context = context;
        _settings = settings;
        _tokens = tokens;
        _retry = new SourceRetryPolicy(settings.MaxWait, context.Clock, context.RetryWaits);
    }

    /// <summary>Asks <paramref name="url"/> (a URL without credentials) and parses its JSON body.</summary>
    public async Task<RestResponse> GetAsync(string url, CancellationToken cancellationToken)
    {
        var path = RestUrl.PathOf(url);
        if (_exhaustedFor is { } exhausted)
        {
            throw new SourceRateLimitedException($"the API's rate-limit budget is used up (header {_settings.RateLimit.RemainingHeader} is 0) and resets in {exhausted.TotalSeconds:0}s, beyond this pull's bounded wait", exhausted);
        }

        string? rejected = null;
        while (true)
        {
            using var request = await RequestAsync(url, rejected, cancellationToken);
            var credential = request.Headers.Authorization?.Parameter;
            int status;
            string body;
            TimeSpan? retryAfter;
            string? link;
            long? remaining;
            TimeSpan? reset;
            try
            {
                using var response = await _context.Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                status = (int)response.StatusCode;
                // A success's body is data: bytes that are not text must not become U+FFFD in a row.
                body = ResponseText.Of(status, await response.Content.ReadAsByteArrayAsync(cancellationToken), response.Content.Headers.ContentType?.CharSet, path, "page");
                retryAfter = response.Headers.RetryAfter switch
                {
                    { Delta: { } delta } => delta,
                    { Date: { } date } => date - _context.Clock.GetUtcNow() is var d && d > TimeSpan.Zero ? d : TimeSpan.Zero,
                    _ => null,
                };
                link = response.Headers.TryGetValues("Link", out var links) ? string.Join(",", links) : null;
                remaining = Header(response, _settings.RateLimit.RemainingHeader) is { } r && long.TryParse(r, NumberStyles.Integer, CultureInfo.InvariantCulture, out var left) ? left : null;
                reset = ResetWait(Header(response, _settings.RateLimit.ResetHeader));
            }
            catch (HttpRequestException ex)
            {
                if (await _retry.TryWaitAsync(null, cancellationToken))
                {
                    continue;
                }

                throw new SourceException($"the API at {_settings.BaseUrl.GetLeftPart(UriPartial.Authority)} could not be reached ({path}): {Redact(ex.Message)}", ex);
            }
            catch (BrokenCircuitException ex)
            {
                throw new SourceException($"calls to the API at {_settings.BaseUrl.GetLeftPart(UriPartial.Authority)} are failing repeatedly; the circuit is open for now", ex);
            }
            catch (TimeoutRejectedException ex)
            {
                throw new SourceException($"the API did not answer {path} in time", ex);
            }

            if (status is >= 200 and < 300)
            {
                _retry.Succeeded();
                if (remaining == 0)
                {
                    await BudgetUsedUpAsync(reset ?? DefaultThrottleWait, cancellationToken);
                }

                return new RestResponse(url, Parse(body, path, status), link);
            }

            var rateLimited = status == 429 || (status == 403 && remaining == 0);
            if (rateLimited)
            {
                var wait = retryAfter ?? reset;
                _context.Logger.LogWarning("rest source {Source}: {Path} is rate limited (HTTP {Status}, asks to wait {Seconds}s)", _context.Source.Name, path, status, wait?.TotalSeconds);
                if (await _retry.TryWaitAsync(wait, cancellationToken))
                {
                    continue;
                }

                throw _retry.Exhausted($"{path} answered HTTP {status} (rate limited)", wait);
            }

            if (status >= 500 && await _retry.TryWaitAsync(retryAfter, cancellationToken))
            {
                _context.Logger.LogWarning("rest source {Source}: {Path} answered HTTP {Status}; trying again", _context.Source.Name, path, status);
                continue;
            }

            _retry.Succeeded();

            if (status == 401 && rejected is null && _settings.Auth.Kind is RestAuthKind.OAuthClientCredentials or RestAuthKind.OAuthRefreshToken)
            {
                // The access token expired or was revoked early: get a new one once and ask again.
                _context.Logger.LogInformation("rest source {Source}: the API refused the access token (HTTP 401); getting a new one", _context.Source.Name);
                rejected = credential;
                continue;
            }

            var message = Message(body);
            var detail = message is null ? "" : $": {message}";
            if (status is >= 400 and < 500)
            {
                var hint = status switch
                {
                    401 => $" (check the credentials: {string.Join(", ", _settings.Auth.SecretNames.DefaultIfEmpty("none configured"))})",
                    403 => " (the credentials lack access to this resource)",
                    404 => " (check settings.path and the base URL)",
                    _ => "",
                };
                throw new RestHttpException(status, $"{path} answered HTTP {status}{detail}{hint}");
            }

            throw new SourceException($"{path} answered HTTP {status}{detail}");
        }
    }

    /// <summary>Every credential value this client has sent, replaced by <c>[secret]</c>.</summary>
    public string Redact(string text)
    {
        foreach (var secret in _secrets.Where(s => s.Length >= 4))
        {
            text = text.Replace(secret, "[secret]", StringComparison.Ordinal);
        }

        return text;
    }

    private async Task BudgetUsedUpAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        _context.Logger.LogInformation("rest source {Source}: the rate-limit budget is used up; it resets in {Seconds}s", _context.Source.Name, wait.TotalSeconds);
        if (!await _retry.TryWaitAsync(wait, cancellationToken))
        {
            // This page is good; the next request would be refused, so the pull ends after it is stored.
            _exhaustedFor = wait;
        }

        _retry.Succeeded();
    }

    private async Task<HttpRequestMessage> RequestAsync(string url, string? rejected, CancellationToken cancellationToken)
    {
        var auth = _settings.Auth;
        var target = url;
        if (auth.Kind == RestAuthKind.ApiKey && auth.KeyInQuery)
        {
            target = RestUrl.With(url, auth.KeyName, await SecretAsync(RestAuthSettings.ApiKeySecret, cancellationToken));
        }

        foreach (var (name, secret) in auth.SecretParams)
        {
            target = RestUrl.With(target, name, await SecretAsync(secret, cancellationToken));
        }

        var request = new HttpRequestMessage(HttpMethod.Get, target);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("daedalus", "1"));
        foreach (var (name, value) in _settings.Headers)
        {
            if (name.Equals("Accept", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Accept.Clear();
            }
            else if (name.Equals("User-Agent", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.UserAgent.Clear();
            }

            request.Headers.TryAddWithoutValidation(name, value);
        }

        switch (auth.Kind)
        {
            case RestAuthKind.Bearer:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await SecretAsync(RestAuthSettings.TokenSecret, cancellationToken));
                break;
            case RestAuthKind.ApiKey when !auth.KeyInQuery:
                request.Headers.TryAddWithoutValidation(auth.KeyName, await SecretAsync(RestAuthSettings.ApiKeySecret, cancellationToken));
                break;
            case RestAuthKind.Basic:
                var user = await SecretAsync(RestAuthSettings.UsernameSecret, cancellationToken);
                var password = await SecretAsync(RestAuthSettings.PasswordSecret, cancellationToken);
                var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
                _secrets.Add(basic);
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
                break;
            case RestAuthKind.OAuthClientCredentials or RestAuthKind.OAuthRefreshToken:
                var token = await _tokens.AccessTokenAsync(_context, auth, rejected, cancellationToken);
                _secrets.Add(token);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                break;
        }

        foreach (var (name, secret) in auth.SecretHeaders)
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, await SecretAsync(secret, cancellationToken));
        }

        return request;
    }

    private async Task<string> SecretAsync(string name, CancellationToken cancellationToken)
    {
        var value = await _context.SecretAsync(name, cancellationToken);
        _secrets.Add(value);
        _secrets.Add(Uri.EscapeDataString(value));
        return value;
    }

    private static string? Header(HttpResponseMessage response, string? name) =>
        name is not null && response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault()?.Trim() : null;

    private TimeSpan? ResetWait(string? text)
    {
        if (text is null || !decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }

        var wait = _settings.RateLimit.ResetIsEpoch
            ? DateTimeOffset.FromUnixTimeSeconds((long)Math.Ceiling(value)) - _context.Clock.GetUtcNow()
            : TimeSpan.FromSeconds((double)value);
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    private static JsonElement Parse(string body, string path, int status)
    {
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 256 });
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            // Position only: the exception's own text can quote the body.
            throw new SourceException($"{path} answered HTTP {status} with a body that is not valid JSON (line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}); nothing of that page was loaded");
        }
    }

    /// <summary>The API's own error message (GitHub's <c>message</c>, OAuth's <c>error_description</c>, RFC 9457's <c>detail</c>...), redacted and cut short.</summary>
    private string? Message(string body)
    {
        string? text = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                foreach (var path in new[] { "message", "error_description", "detail", "title", "error.message", "error", "errors" })
                {
                    if (RestJsonPath.TrySelect(root, RestJsonPath.Parse(path), out var value))
                    {
                        text = value.ValueKind switch
                        {
                            JsonValueKind.String => value.GetString(),
                            JsonValueKind.Array when value.GetArrayLength() > 0 && value[0].ValueKind == JsonValueKind.Object && value[0].TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String => m.GetString(),
                            _ => null,
                        };
                        if (!string.IsNullOrWhiteSpace(text))
                        {
                            break;
                        }
                    }
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = Redact(text.ReplaceLineEndings(" ").Trim());
        return text.Length > MaxMessageLength ? text[..MaxMessageLength] + "…" : text;
    }
}
