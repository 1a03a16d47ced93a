using Daedalus.Configuration;
using Daedalus.Sources;
using Daedalus.Sources.Monday;
using Daedalus.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Daedalus.Tests.Sources;

/// <summary>
/// One retry policy for source calls: the HTTP client does not retry on its own, and the policy's waits (Retry-After
/// included) never add up past maxWaitSeconds. Checked against a loopback server that never stops refusing, by
/// counting the requests it saw and summing the waits the policy granted (no wall-clock timing).
/// </summary>
public sealed class SourceRetryPolicyTests
{
    [Theory]
    [InlineData(429, 1, 3, 4)] // waits 1+1+1 = 3 s, the fourth refusal would cross 3 s: 4 requests
    [InlineData(429, 5, 3, 1)] // the first Retry-After alone exceeds the budget: no retry at all
    [InlineData(503, null, 60, 5)] // backoff 1+2+4+8 s within 60 s; the fifth failure is the attempt limit
    [InlineData(503, null, 2, 2)] // backoff 1 s, then 2 s would cross 2 s: 2 requests
    public async Task A_source_that_always_refuses_gets_bounded_attempts_and_bounded_total_wait(int status, int? retryAfter, int maxWaitSeconds, int expectedRequests)
    {
        var requests = 0;
        var app = LoopbackApp.Create();
        app.MapPost("/v2", async context =>
        {
            Interlocked.Increment(ref requests);
            context.Response.StatusCode = status;
            if (retryAfter is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(status == 429
                ? """{"errors":[{"message":"Minute limit rate exceeded","extensions":{"code":"RATE_LIMIT_EXCEEDED","status_code":429}}]}"""
                : """{"error_message":"Service unavailable","status_code":503}""");
        });
        await app.StartAsync();
        await using var _ = app;

        // The plugin's real HTTP client, as registered for every source plugin.
        var services = new ServiceCollection();
        services.AddSourceHttpClient(MondaySourcePlugin.PluginName);
        await using var provider = services.BuildServiceProvider();
        var clock = new InstantClock();
        var source = new SourceDefinition
        {
            Name = "m",
            Plugin = MondaySourcePlugin.PluginName,
            Settings = { ["apiUrl"] = new Uri(LoopbackApp.Address(app), "/v2").ToString(), ["maxWaitSeconds"] = maxWaitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        var context = new SourceContext(source, null!, provider.GetRequiredService<IHttpClientFactory>().CreateClient(MondaySourcePlugin.PluginName), clock, NullLogger.Instance);
        var client = new MondayApiClient(context, MondaySettings.From(source), "token");

        var thrown = await Assert.ThrowsAnyAsync<SourceException>(() => client.BoardColumnsAsync("123", CancellationToken.None));

        Assert.Equal(status == 429, thrown is SourceRateLimitedException);
        Assert.Equal(expectedRequests, requests);
        Assert.Equal(expectedRequests, client.Requests);
        Assert.Equal(expectedRequests - 1, client.Retry.Waits.Count);
        Assert.True(client.Retry.Waited <= TimeSpan.FromSeconds(maxWaitSeconds), $"waited {client.Retry.Waited}");
        Assert.Equal(client.Retry.Waits.Aggregate(TimeSpan.Zero, (a, b) => a + b), client.Retry.Waited);
        Assert.Equal(client.Retry.Waited, clock.Slept);
        if (retryAfter is { } asked)
        {
            Assert.All(client.Retry.Waits, w => Assert.Equal(TimeSpan.FromSeconds(asked), w));
        }
        else
        {
            Assert.Equal(Enumerable.Range(0, expectedRequests - 1).Select(i => TimeSpan.FromSeconds(1 << i)), client.Retry.Waits);
        }
    }

    [Fact]
    public void The_policy_never_grants_a_wait_past_the_budget_or_the_attempt_limit()
    {
        var policy = new SourceRetryPolicy(TimeSpan.FromSeconds(10), TimeProvider.System, maxAttempts: 3);
        Assert.Equal(TimeSpan.FromSeconds(10), policy.NextWait(1, TimeSpan.FromSeconds(10)));
        Assert.Null(policy.NextWait(1, TimeSpan.FromSeconds(10.001)));
        Assert.Equal(TimeSpan.FromSeconds(1), policy.NextWait(1, null));
        Assert.Equal(TimeSpan.FromSeconds(2), policy.NextWait(2, null));
        Assert.Null(policy.NextWait(3, null));
        Assert.Equal(SourceRetryPolicy.MaxBackoff, new SourceRetryPolicy(TimeSpan.FromHours(1), TimeProvider.System, maxAttempts: 100).NextWait(40, null));
        Assert.Null(new SourceRetryPolicy(TimeSpan.Zero, TimeProvider.System).NextWait(1, null));
    }
}
