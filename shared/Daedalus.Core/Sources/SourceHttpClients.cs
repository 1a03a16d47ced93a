using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Daedalus.Sources;

/// <summary>
/// The HTTP client every plugin gets (named after the plugin): retries with jitter that honour Retry-After
/// (waits capped, so a long rate-limit window surfaces to the plugin, which then ends the pull early and keeps
/// its cursor), per-attempt and total timeouts, and a circuit breaker.
/// </summary>
public static class SourceHttpClients
{
    public static readonly TimeSpan MaxRetryWait = TimeSpan.FromSeconds(30);

    public static IHttpClientBuilder AddSourceHttpClient(this IServiceCollection services, string pluginName)
    {
        var builder = services.AddHttpClient(pluginName);
        builder.AddResilienceHandler($"{pluginName}-resilience", pipeline =>
        {
            pipeline.AddTimeout(TimeSpan.FromMinutes(3));
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 3,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(1),
                MaxDelay = MaxRetryWait,
                ShouldRetryAfterHeader = true,
                // 423 = monday board locked; 429/5xx are transient. Everything else is the plugin's to judge.
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is HttpRequestException or Polly.Timeout.TimeoutRejectedException
                    || args.Outcome.Result?.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.Locked
                        or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout),
            });
            pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
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
