using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Daedalus.Security;
using Daedalus.Storage;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Daedalus.Alerting;

/// <summary>
/// Delivers the notification outbox. Each dispatch claims due rows with a lease (<c>FOR UPDATE SKIP LOCKED</c>,
/// so two dispatchers, or a restarted one, never send the same row at once), posts each to its webhook with a
/// timeout, and marks it delivered, or schedules the next attempt with exponential backoff, or gives up after
/// <see cref="NotificationOptions.MaxAttempts"/> (or at once on a 4xx other than 408/429, which a retry cannot
/// fix). A delivered row is never sent again. Requests carry <c>Idempotency-Key</c> (the event key) so a receiver
/// can drop the one repeat possible: a process dying between the receiver's 2xx and the row being marked.
/// </summary>
public sealed class NotificationDispatcher
{
    /// <summary>The named HttpClient webhooks are posted with (no resilience handler: the outbox is the retry).</summary>
    public const string HttpClientName = "daedalus-notifications";

    private readonly NpgsqlDataSource _dataSource;
    private readonly ISecretStore _secrets;
    private readonly IHttpClientFactory _http;
    private readonly FreshnessWatch _freshness;
    private readonly TimeProvider _clock;
    private readonly NotificationOptions _options;
    private readonly ILogger<NotificationDispatcher> _logger;

    public NotificationDispatcher(NpgsqlDataSource dataSource, ISecretStore secrets, IHttpClientFactory http, FreshnessWatch freshness, TimeProvider clock, IOptions<NotificationOptions> options, ILogger<NotificationDispatcher> logger)
    {
        _dataSource = dataSource;
        _secrets = secrets;
        _http = http;
        _freshness = freshness;
        _clock = clock;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>One tick of either host: report stale sources, then deliver what is due. Never throws but for cancellation.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _freshness.CheckAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Freshness check for notifications failed; next tick retries");
        }

        try
        {
            await DispatchDueAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Notification dispatch failed; next tick retries");
        }
    }

    /// <summary>Delivers the notifications due now; returns how many were delivered.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        var lease = TimeSpan.FromSeconds(_options.TimeoutSeconds + 30);
        List<OutboxRow> due;
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken))
        {
            due = (await connection.QueryAsync<OutboxRow>(new CommandDefinition(
                """
                UPDATE daedalus.notification_outbox o SET locked_until = @leaseEnd, attempts = o.attempts + 1
                WHERE o.id IN (
                    SELECT id FROM daedalus.notification_outbox
                    WHERE delivered_at IS NULL AND abandoned_at IS NULL AND next_attempt_at <= @now
                      AND (locked_until IS NULL OR locked_until < @now)
                    ORDER BY next_attempt_at LIMIT @limit FOR UPDATE SKIP LOCKED)
                RETURNING o.id, o.event_key, o.channel, o.format, o.url_secret, o.event::text AS event, o.attempts
                """,
                new { now, leaseEnd = now + lease, limit = _options.BatchSize },
                cancellationToken: cancellationToken))).ToList();
        }

        var results = await Task.WhenAll(due.Select(row => DeliverAsync(row, cancellationToken)));
        return results.Count(delivered => delivered);
    }

    private async Task<bool> DeliverAsync(OutboxRow row, CancellationToken cancellationToken)
    {
        string? error;
        TimeSpan? retryAfter = null;
        var permanent = false;
        try
        {
            var url = await _secrets.GetAsync(row.UrlSecret, cancellationToken);
            if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                // Retried: the secret may be added or fixed. The value itself is never logged.
                error = $"secret '{row.UrlSecret}' is missing or is not an http(s) URL";
            }
            else
            {
                var notification = JsonSerializer.Deserialize<NotificationEvent>(row.Event, SourceCatalog.Json)!;
                using var request = new HttpRequestMessage(HttpMethod.Post, uri)
                {
                    Content = new ByteArrayContent(WebhookFormats.Render(row.Format, notification)),
                };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                request.Headers.TryAddWithoutValidation("Idempotency-Key", row.EventKey);
                request.Headers.TryAddWithoutValidation("X-Daedalus-Event", notification.Kind);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSeconds));
                try
                {
                    using var response = await _http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        await MarkAsync("UPDATE daedalus.notification_outbox SET delivered_at = @now, locked_until = NULL, last_error = NULL WHERE id = @id", new { row.Id, now = _clock.GetUtcNow() });
                        _logger.LogInformation("Notification {EventKey} delivered to channel {Channel} on attempt {Attempt}", row.EventKey, row.Channel, row.Attempts);
                        return true;
                    }

                    error = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
                    retryAfter = response.Headers.RetryAfter?.Delta;
                    permanent = (int)response.StatusCode is >= 400 and < 500 && response.StatusCode is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    error = $"no response within {_options.TimeoutSeconds:0.###} s";
                }
            }
        }
        catch (HttpRequestException ex)
        {
            error = $"request failed: {ex.HttpRequestError}";
        }
        catch (OperationCanceledException)
        {
            // Shutting down: hand the row back at once rather than leave it leased.
            await MarkAsync("UPDATE daedalus.notification_outbox SET locked_until = NULL, attempts = attempts - 1 WHERE id = @id", new { row.Id });
            throw;
        }

        if (permanent || row.Attempts >= _options.MaxAttempts)
        {
            await MarkAsync("UPDATE daedalus.notification_outbox SET abandoned_at = @now, locked_until = NULL, last_error = @error WHERE id = @id", new { row.Id, now = _clock.GetUtcNow(), error });
            _logger.LogError("Notification {EventKey} to channel {Channel} abandoned after {Attempts} attempts: {Error}", row.EventKey, row.Channel, row.Attempts, error);
            return false;
        }

        var backoff = Backoff(row.Attempts);
        if (retryAfter is { } wait && wait > backoff)
        {
            backoff = wait;
        }

        await MarkAsync("UPDATE daedalus.notification_outbox SET next_attempt_at = @next, locked_until = NULL, last_error = @error WHERE id = @id", new { row.Id, next = _clock.GetUtcNow() + backoff, error });
        _logger.LogWarning("Notification {EventKey} to channel {Channel} failed on attempt {Attempt} ({Error}); retrying in {Backoff}", row.EventKey, row.Channel, row.Attempts, error, backoff);
        return false;
    }

    /// <summary>Initial × 2^(attempt-1), plus up to 25% so many failed rows do not retry in lockstep; capped.</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var seconds = _options.InitialBackoffSeconds * Math.Pow(2, Math.Min(attempt - 1, 30)) * (1 + (Random.Shared.NextDouble() * 0.25));
        return TimeSpan.FromSeconds(Math.Min(seconds, _options.MaxBackoffSeconds));
    }

    private async Task MarkAsync(string sql, object parameters)
    {
        // Not cancellable: the outcome of a request already sent must be recorded.
        await using var connection = await _dataSource.OpenConnectionAsync(CancellationToken.None);
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: CancellationToken.None));
    }

    private sealed record OutboxRow(long Id, string EventKey, string Channel, string Format, string UrlSecret, string Event, int Attempts);
}
