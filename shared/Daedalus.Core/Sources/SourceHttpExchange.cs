using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Daedalus.Sources;

/// <summary>
/// One request to a source API through the plugin's HTTP client: the status, the Retry-After wait (from a delta or a
/// date) and the body. Transport failures (no answer) are retried as the <see cref="SourceRetryPolicy"/> allows, then turned into
/// <see cref="SourceException"/>s that name the API but never a credential. Answers are returned whatever their status:
/// judging them (and asking <see cref="SourceRetryPolicy"/> for another try) is the plugin's.
/// </summary>
public static class SourceHttpExchange
{
    /// <param name="create">Builds the request afresh for each attempt (a sent request cannot be sent again).</param>
    public static async Task<(int Status, TimeSpan? RetryAfter, string Body)> SendAsync(
        SourceContext context, SourceRetryPolicy retry, Func<HttpRequestMessage> create, string api, string baseUrl, CancellationToken cancellationToken)
    {
        while (true)
        {
            Exception failure;
            try
            {
                using var request = create();
                using var response = await context.Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                var status = (int)response.StatusCode;
                // A success's body is data: bytes that are not text must not become U+FFFD in a row.
                var body = ResponseText.Of(status, await response.Content.ReadAsByteArrayAsync(cancellationToken), response.Content.Headers.ContentType?.CharSet, $"{api} API at {baseUrl}", "answer");

                return (status, RetryAfter(response, context.Clock), body);
            }
            catch (HttpRequestException ex)
            {
                failure = new SourceException($"{api} API at {baseUrl} could not be reached: {ex.Message}", ex);
            }
            catch (BrokenCircuitException ex)
            {
                // Retrying into an open circuit only burns the wait budget.
                throw new SourceException($"{api} API calls are failing repeatedly; the circuit is open for now ({ex.Message})", ex);
            }
            catch (TimeoutRejectedException ex)
            {
                failure = new SourceException($"{api} API at {baseUrl} did not answer in time", ex);
            }

            if (!await retry.TryWaitAsync(null, cancellationToken))
            {
                throw failure;
            }
        }
    }

    /// <summary>The wait a response asks for (Retry-After as seconds or a date), or null.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider clock) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - clock.GetUtcNow() is var d && d > TimeSpan.Zero ? d : TimeSpan.Zero,
        _ => null,
    };
}
