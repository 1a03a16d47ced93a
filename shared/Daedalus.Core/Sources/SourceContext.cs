using Daedalus.Configuration;
using Daedalus.Security;
using Microsoft.Extensions.Logging;

namespace Daedalus.Sources;

/// <summary>Everything a plugin may use: its config, secrets by name, an HTTP client with resilience, a clock.</summary>
public sealed record SourceContext(
    SourceDefinition Source,
    ISecretStore Secrets,
    HttpClient Http,
    TimeProvider Clock,
    ILogger Logger)
{
    /// <summary>Every secret value this pull resolved, to mask in whatever is written about the pull (errors, logs).</summary>
    public SecretRedactor Redactor { get; init; } = new();

    /// <summary>The retry waits of this pull, shared by all its API clients so <c>maxWaitSeconds</c> bounds the pull's total (<see cref="SourceRetryPolicy"/>).</summary>
    public PullRetryWaits RetryWaits { get; init; } = new();

    public string Setting(string name, string? fallback = null) =>
        Source.Settings.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value)
            ? value
            : fallback ?? throw new SourceException($"source '{Source.Name}': setting '{name}' is required");

    public async ValueTask<string> SecretAsync(string name, CancellationToken cancellationToken)
    {
        // Config maps a logical secret name to the store's key; default to the logical name.
        var key = Source.Secrets.TryGetValue(name, out var reference) ? reference : $"{Source.Name}-{name}";
        var value = await Secrets.GetAsync(key, cancellationToken)
            ?? throw new SourceException($"source '{Source.Name}': secret '{key}' is not in the secret store");
        Redactor.Add(value);
        return value;
    }

    public ValueTask SetSecretAsync(string name, string value, CancellationToken cancellationToken)
    {
        var key = Source.Secrets.TryGetValue(name, out var reference) ? reference : $"{Source.Name}-{name}";
        Redactor.Add(value);
        return Secrets.SetAsync(key, value, cancellationToken);
    }
}
