using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Daedalus.Sources.QuickBooks;

/// <summary>
/// Calls the QuickBooks query and CDC endpoints for one pull: pins the minor version, asks for JSON, sends the
/// access token (refreshing once when QuickBooks says it expired) and waits out throttling and server errors as
/// <see cref="Retry"/> allows (all waits together within <see cref="QuickBooksSettings.MaxWait"/>); past that a
/// throttle ends the pull early
/// (<see cref="SourceRateLimitedException"/>) so the cursor is kept and the next tick resumes.
/// </summary>
public sealed class QuickBooksApiClient
{
    /// <summary>QuickBooks asks for 60 s after a 429 when it sends no Retry-After.</summary>
    public static readonly TimeSpan DefaultThrottleWait = TimeSpan.FromSeconds(60);

    private readonly SourceContext _context;
    private readonly QuickBooksSettings _settings;
    private readonly QuickBooksTokenClient _tokens;
    private readonly string _realmId;

    public QuickBooksApiClient(SourceContext context, QuickBooksSettings settings, QuickBooksTokenClient tokens, string realmId)
    {
        _context = context;
        _settings = settings;
        _tokens = tokens;
        _realmId = realmId;
        Retry = new SourceRetryPolicy(settings.MaxWait, context.Clock, context.RetryWaits);
    }

    /// <summary>Retries of this client (one stream's read), and the waits it granted.</summary>
    public SourceRetryPolicy Retry { get; }

    /// <summary>One page of a query: the entity objects (empty past the end) and the server's time.</summary>
    public async Task<QuickBooksAnswer> QueryAsync(string entity, string query, CancellationToken cancellationToken)
    {
        var root = await GetAsync($"query?query={Uri.EscapeDataString(query)}", cancellationToken);
        if (!root.TryGetProperty("QueryResponse", out var response) || response.ValueKind != JsonValueKind.Object)
        {
            throw new SourceException($"QuickBooks answered the {entity} query without a QueryResponse object");
        }

        if (!response.TryGetProperty(entity, out var objects))
        {
            return new QuickBooksAnswer([], ServerTime(root));
        }

        return objects.ValueKind == JsonValueKind.Array
            ? new QuickBooksAnswer([.. objects.EnumerateArray()], ServerTime(root))
            : throw new SourceException($"QuickBooks answered the {entity} query with QueryResponse.{entity} that is not an array");
    }

    /// <summary>Everything of one entity that changed since <paramref name="since"/> (at most 1,000 objects, 30 days back).</summary>
    public async Task<QuickBooksAnswer> ChangesAsync(string entity, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var root = await GetAsync($"cdc?entities={Uri.EscapeDataString(entity)}&changedSince={Uri.EscapeDataString(Format(since))}", cancellationToken);
        if (!root.TryGetProperty("CDCResponse", out var responses) || responses.ValueKind != JsonValueKind.Array)
        {
            throw new SourceException($"QuickBooks answered the {entity} CDC request without a CDCResponse array");
        }

        var objects = new List<JsonElement>();
        foreach (var response in responses.EnumerateArray())
        {
            if (!response.TryGetProperty("QueryResponse", out var queries) || queries.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var query in queries.EnumerateArray())
            {
                if (query.ValueKind == JsonValueKind.Object && query.TryGetProperty(entity, out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    objects.AddRange(list.EnumerateArray());
                }
            }
        }

        return new QuickBooksAnswer(objects, ServerTime(root));
    }

    /// <summary>A timestamp as QuickBooks queries take it: seconds, with an explicit offset.</summary>
    public static string Format(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);

    /// <summary>The root <c>time</c> every answer carries (the server's clock, with its offset); null when absent or unreadable.</summary>
    private static DateTimeOffset? ServerTime(JsonElement root) =>
        root.TryGetProperty("time", out var t) && t.ValueKind == JsonValueKind.String && QuickBooksDateTime.TryParseTimestamp(t.GetString(), out var time)
            ? time
            : null;

    private async Task<JsonElement> GetAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        var separator = pathAndQuery.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var url = new Uri(_settings.BaseUrl, $"/v3/company/{Uri.EscapeDataString(_realmId)}/{pathAndQuery}{separator}minorversion={_settings.MinorVersion.ToString(CultureInfo.InvariantCulture)}");
        string? rejected = null;
        while (true)
        {
            var token = await _tokens.AccessTokenAsync(_context, _settings, rejected, cancellationToken);

            // Access tokens are credentials too, and a cached one may come from an earlier pull's context.
            _context.Redactor.Add(token);
            var (status, retryAfter, body) = await SendAsync(url, token, cancellationToken);
            var fault = QuickBooksFaultParser.Parse(status, retryAfter, body, out var root);
            if (fault is null)
            {
                Retry.Succeeded();
                return root;
            }

            switch (fault.Kind)
            {
                case QuickBooksFaultKind.Unauthenticated when rejected is null:
                    // The access token expired or was revoked early: refresh once and ask again.
                    _context.Logger.LogInformation("QuickBooks refused the access token ({Code}); refreshing it once", fault.Code ?? status.ToString(CultureInfo.InvariantCulture));
                    rejected = token;
                    continue;
                case QuickBooksFaultKind.Unauthenticated:
                    throw new SourceException($"{fault.Message}. A freshly refreshed access token was refused too; check the app's access to the company (the realm_id secret; re-consent may be needed).");
                case QuickBooksFaultKind.Throttled:
                    // QuickBooks asks for 60 s after a 429 when it sends no Retry-After.
                    var wait = fault.RetryAfter ?? DefaultThrottleWait;
                    if (!await Retry.TryWaitAsync(wait, cancellationToken))
                    {
                        throw Retry.Exhausted(fault.Message, wait);
                    }

                    _context.Logger.LogWarning("QuickBooks is throttling ({Code}); waited {Seconds}s before attempt {Attempt}", fault.Code ?? "429", wait.TotalSeconds, Retry.Failures + 1);
                    continue;
                case QuickBooksFaultKind.Server when status >= 500:
                    if (!await Retry.TryWaitAsync(fault.RetryAfter, cancellationToken))
                    {
                        throw new SourceException($"{fault.Message} (after {Retry.Failures} attempts)");
                    }

                    _context.Logger.LogWarning("QuickBooks answered HTTP {Status}; waited {Seconds}s before attempt {Attempt}", status, Retry.Waits[^1].TotalSeconds, Retry.Failures + 1);
                    continue;
                case QuickBooksFaultKind.Forbidden:
                    throw new SourceException($"{fault.Message}. The connected user or app may not access this data in the company (the realm_id secret).");
                default:
                    throw new SourceException(fault.Message);
            }
        }
    }

    private async Task<(int Status, TimeSpan? RetryAfter, string Body)> SendAsync(Uri url, string accessToken, CancellationToken cancellationToken) =>
        await SourceHttpExchange.SendAsync(
            _context,
            Retry,
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                return request;
            },
            "QuickBooks",
            _settings.BaseUrl.ToString(),
            cancellationToken);
}
