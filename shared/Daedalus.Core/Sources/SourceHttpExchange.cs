using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Daedalus.Sources;

/// <summary>
/// One request to a source API through the plugin's resilient client: the status, the Retry-After wait (from a
/// delta or a date) and the body, with transport failures turned into <see cref="SourceException"/>s that name
/// the API but never a credential.
/// </summary>
public static class SourceHttpExchange
{
    public static async Task<(int Status, TimeSpan? RetryAfter, string Body)> SendAsync(
        SourceContext context, HttpRequestMessage request, string api, string baseUrl, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await context.Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var retryAfter = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date - context.Clock.GetUtcNow() is var d && d > TimeSpan.Zero ? d : TimeSpan.Zero,
                _ => (TimeSpan?)null,
            };
            return ((int)response.StatusCode, retryAfter, body);
        }
        catch (HttpRequestException ex)
        {
            throw new SourceException($"{api} API at {baseUrl} could not be reached: {ex.Message}", ex);
        }
        catch (BrokenCircuitException ex)
        {
            throw new SourceException($"{api} API calls are failing repeatedly; the circuit is open for now ({ex.Message})", ex);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new SourceException($"{api} API at {baseUrl} did not answer in time", ex);
        }
    }
}
