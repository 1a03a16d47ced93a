using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Daedalus.Sources;

/// <summary>
/// The HTTP client every plugin gets (named after the plugin): per-attempt and total timeouts and a circuit breaker.
/// It does not retry: <see cref="SourceRetryPolicy"/> is the one place that decides retries and bounds their total
/// wait by the plugin's <c>maxWaitSeconds</c> (a retrying handler here would multiply with it).
/// </summary>
public static class SourceHttpClients
{
    public static IHttpClientBuilder AddSourceHttpClient(this IServiceCollection services, string pluginName)
    {
        // No request logging: source URLs may carry configured secrets (QuickBooks' realm id is in every path).
        var builder = services.AddHttpClient(pluginName).RemoveAllLoggers();
        builder.AddResilienceHandler($"{pluginName}-resilience", pipeline =>
        {
            pipeline.AddTimeout(TimeSpan.FromMinutes(3));
            pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                // Outages open the circuit; rate limits (429) and a locked board (423) are the retry policy's to wait out.
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is HttpRequestException or Polly.Timeout.TimeoutRejectedException
                    || (int?)args.Outcome.Result?.StatusCode is >= 500),
                FailureRatio = 0.5,
                MinimumThroughput = 10,
                SamplingDuration = TimeSpan.FromSeconds(60),
                BreakDuration = TimeSpan.FromSeconds(30),
            });
            pipeline.AddTimeout(TimeSpan.FromSeconds(60));
        });
        return builder;
    }
}
