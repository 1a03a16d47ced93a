namespace Daedalus.Sources.Snowflake;

/// <summary>
/// Sits inside the resilience pipeline, so it sees every attempt: when a statement submission is sent again
/// (after a 429/5xx/timeout), it adds <c>retry=true</c> next to the unchanged requestId, which tells Snowflake to
/// return the first submission's statement instead of running it twice.
/// </summary>
public sealed class StatementRetryFlagHandler : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<bool> Sent = new("Daedalus.Snowflake.Sent");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Post
            && request.RequestUri is { } uri
            && request.Options.TryGetValue(Sent, out var sent) && sent
            && uri.Query.Contains("requestId=", StringComparison.Ordinal)
            && !uri.Query.Contains("retry=true", StringComparison.Ordinal))
        {
            request.RequestUri = new Uri(uri + "&retry=true");
        }

        request.Options.Set(Sent, true);
        return base.SendAsync(request, cancellationToken);
    }
}
