using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Daedalus.Sources.Snowflake;

/// <summary>
/// The SQL API v2 statements resource: submit (POST with a requestId; a retried submission carries the same
/// requestId and retry=true), wait for a 202 to finish by polling its status URL on the clock, and fetch result
/// partitions (gzip). Every reply that is not a success goes through <see cref="SnowflakeErrorClassifier"/>.
/// </summary>
public sealed class SnowflakeStatementsClient
{
    public const string UserAgent = "Daedalus/1.0";
    private const string StatementsPath = "/api/v2/statements";
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxPoll = TimeSpan.FromSeconds(5);

    private readonly HttpClient _http;
    private readonly SnowflakeSettings _settings;
    private readonly SnowflakeAuthenticator _auth;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;

    public SnowflakeStatementsClient(HttpClient http, SnowflakeSettings settings, SnowflakeAuthenticator auth, TimeProvider clock, ILogger logger, PullRetryWaits? retryWaits = null)
    {
        _http = http;
        _settings = settings;
        _auth = auth;
        _clock = clock;
        _logger = logger;
        Retry = new SourceRetryPolicy(TimeSpan.FromSeconds(settings.MaxWaitSeconds), clock, retryWaits);
    }

    /// <summary>Retries of 429/5xx answers and transport failures, their waits bounded by settings.maxWaitSeconds.</summary>
    public SourceRetryPolicy Retry { get; }

    /// <summary>Runs one statement to completion and returns its result set (partition 0 inline).</summary>
    public async Task<SnowflakeResultSet> ExecuteAsync(string statement, IReadOnlyDictionary<string, SnowflakeBinding>? bindings, CancellationToken cancellationToken)
    {
        var requestId = Guid.NewGuid();
        var body = RequestBody(statement, bindings);
        var reply = await SendAsync(
            retry =>
            {
                var uri = new Uri(_settings.BaseUrl, $"{StatementsPath}?requestId={requestId}{(retry ? "&retry=true" : "")}");
                return new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } } };
            },
            "submitting a statement",
            cancellationToken);

        if (reply.Status == HttpStatusCode.OK)
        {
            return ParseResult(reply.Body, "submitting a statement");
        }

        if (reply.Status != HttpStatusCode.Accepted)
        {
            throw SnowflakeErrorClassifier.Classify(reply.Status, reply.Text, reply.RetryAfter, "submitting a statement");
        }

        var status = Parse<SnowflakeStatementStatus>(reply.Body, "submitting a statement");
        if (string.IsNullOrEmpty(status.StatementHandle))
        {
            throw new SourceException("Snowflake answered 202 without a statementHandle");
        }

        return await WaitAsync(status, cancellationToken);
    }

    /// <summary>Rows of partition N (N ≥ 1) of a finished statement.</summary>
    public async Task<IReadOnlyList<string?[]>> GetPartitionAsync(string handle, int partition, CancellationToken cancellationToken)
    {
        var operation = $"reading partition {partition}";
        var reply = await SendAsync(_ => new HttpRequestMessage(HttpMethod.Get, HandleUri(handle, $"?partition={partition}")), operation, cancellationToken);
        if (reply.Status != HttpStatusCode.OK)
        {
            throw SnowflakeErrorClassifier.Classify(reply.Status, reply.Text, reply.RetryAfter, operation);
        }

        var data = Parse<SnowflakePartitionData>(reply.Body, operation);
        return data.Data ?? throw new SourceException($"Snowflake returned no data array on {operation}");
    }

    private async Task<SnowflakeResultSet> WaitAsync(SnowflakeStatementStatus status, CancellationToken cancellationToken)
    {
        var handle = status.StatementHandle!;
        var statusUri = StatusUri(status);
        var deadline = _clock.GetUtcNow() + TimeSpan.FromSeconds(_settings.MaxWaitSeconds);
        var delay = FirstPoll;
        while (true)
        {
            if (_clock.GetUtcNow() + delay > deadline)
            {
                await CancelAsync(handle);
                throw new SourceException($"Snowflake statement {handle} still running after {_settings.MaxWaitSeconds} s (settings.maxWaitSeconds); it was cancelled");
            }

            await Task.Delay(delay, _clock, cancellationToken);
            var reply = await SendAsync(_ => new HttpRequestMessage(HttpMethod.Get, statusUri), "polling a statement", cancellationToken);
            if (reply.Status == HttpStatusCode.OK)
            {
                return ParseResult(reply.Body, "polling a statement");
            }

            if (reply.Status != HttpStatusCode.Accepted)
            {
                throw SnowflakeErrorClassifier.Classify(reply.Status, reply.Text, reply.RetryAfter, "polling a statement");
            }

            _logger.LogDebug("Snowflake statement {Handle} still running", handle);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxPoll.Ticks));
        }
    }

    private async Task CancelAsync(string handle)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await SendAsync(_ => new HttpRequestMessage(HttpMethod.Post, HandleUri(handle, "/cancel")), "cancelling a statement", timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or SourceException)
        {
            _logger.LogWarning("Could not cancel Snowflake statement {Handle}: {Reason}", handle, ex.Message);
        }
    }

    private Uri HandleUri(string handle, string suffix) =>
        new(_settings.BaseUrl, $"{StatementsPath}/{Uri.EscapeDataString(handle)}{suffix}");

    private Uri StatusUri(SnowflakeStatementStatus status)
    {
        // Follow the status URL only on our own host: the bearer token must not travel anywhere else.
        if (status.StatementStatusUrl is { Length: > 0 } url
            && Uri.TryCreate(_settings.BaseUrl, url, out var uri)
            && uri.Authority == _settings.BaseUrl.Authority
            && uri.AbsolutePath.StartsWith(StatementsPath + "/", StringComparison.Ordinal))
        {
            return uri;
        }

        return HandleUri(status.StatementHandle!, "");
    }

    private byte[] RequestBody(string statement, IReadOnlyDictionary<string, SnowflakeBinding>? bindings)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("statement", statement);
            writer.WriteNumber("timeout", _settings.TimeoutSeconds);
            foreach (var (name, value) in new[] { ("database", _settings.Database), ("schema", _settings.Schema), ("warehouse", _settings.Warehouse), ("role", _settings.Role) })
            {
                if (value is not null)
                {
                    writer.WriteString(name, value);
                }
            }

            if (bindings is { Count: > 0 })
            {
                writer.WritePropertyName("bindings");
                JsonSerializer.Serialize(writer, bindings);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Sends a request, retrying 429, 5xx and transport failures as <see cref="Retry"/> allows (re-sent submissions
    /// carry <c>retry=true</c>, so Snowflake runs the statement once) and a rejected key-pair token once, re-signed.
    /// The last answer is returned whatever its status; the caller classifies it.
    /// </summary>
    private async Task<Reply> SendAsync(Func<bool, HttpRequestMessage> create, string operation, CancellationToken cancellationToken)
    {
        var renewed = false;
        for (var attempt = 0; ; attempt++)
        {
            using var request = create(attempt > 0);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _auth.Token());
            request.Headers.TryAddWithoutValidation("X-Snowflake-Authorization-Token-Type", _auth.TokenType);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or Polly.Timeout.TimeoutRejectedException)
            {
                if (await Retry.TryWaitAsync(null, cancellationToken))
                {
                    continue;
                }

                throw new SourceException($"Snowflake at {_settings.BaseUrl} could not be reached on {operation}: {ex.Message}", ex);
            }

            using (response)
            {
                var body = Decompress(await response.Content.ReadAsByteArrayAsync(cancellationToken));
                if (response.StatusCode == HttpStatusCode.Unauthorized && !renewed && _auth.TryRenew())
                {
                    renewed = true;
                    _logger.LogInformation("Snowflake rejected the key-pair token on {Operation}; signing a new one and retrying once", operation);
                    continue;
                }

                var retryAfter = SourceHttpExchange.RetryAfter(response, _clock);
                if (response.StatusCode is HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError
                    && await Retry.TryWaitAsync(retryAfter, cancellationToken))
                {
                    _logger.LogWarning("Snowflake answered HTTP {Status} on {Operation}; waited {Seconds}s before another attempt", (int)response.StatusCode, operation, Retry.Waits[^1].TotalSeconds);
                    continue;
                }

                Retry.Succeeded();
                return new Reply(response.StatusCode, body, retryAfter);
            }
        }
    }

    private static byte[] Decompress(byte[] body)
    {
        // Partitions are gzip; the handler normally inflates them (Content-Encoding), this covers replies without the header.
        if (body.Length < 2 || body[0] != 0x1f || body[1] != 0x8b)
        {
            return body;
        }

        using var input = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static SnowflakeResultSet ParseResult(byte[] body, string operation)
    {
        var result = Parse<SnowflakeResultSet>(body, operation);
        if (result.ResultSetMetaData?.RowType is null || result.Data is null || string.IsNullOrEmpty(result.StatementHandle))
        {
            throw new SourceException($"Snowflake returned a result without resultSetMetaData.rowType, data or statementHandle on {operation}");
        }

        if (result.ResultSetMetaData.Format is { } format && !string.Equals(format, "jsonv2", StringComparison.OrdinalIgnoreCase))
        {
            throw new SourceException($"Snowflake returned result format '{format}' on {operation}; only jsonv2 is supported");
        }

        return result;
    }

    private static T Parse<T>(byte[] body, string operation)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body) ?? throw new SourceException($"Snowflake returned an empty body on {operation}");
        }
        catch (JsonException ex)
        {
            throw new SourceException($"Snowflake returned malformed JSON on {operation} (at byte {ex.BytePositionInLine ?? 0}, line {ex.LineNumber ?? 0})", ex);
        }
    }

    private sealed record Reply(HttpStatusCode Status, byte[] Body, TimeSpan? RetryAfter)
    {
        public string Text => Encoding.UTF8.GetString(Body);
    }
}
