namespace Daedalus.Tests.Hosting.Conformance;

/// <summary>How to run the stand-in Functions host.</summary>
public sealed class StandInHostOptions
{
    /// <summary>The Functions app's build output (holds worker.config.json, functions.metadata, host.json).</summary>
    public required string AppDirectory { get; init; }

    /// <summary>App settings for the worker, environment-variable style (<c>Daedalus__Database__ConnectionString</c>); must hold <c>AzureWebJobsStorage</c>.</summary>
    public required IReadOnlyDictionary<string, string> AppSettings { get; init; }

    /// <summary>The function key the host accepts in <c>x-functions-key</c> or <c>?code=</c> for <c>authLevel: function</c> routes.</summary>
    public required string FunctionKey { get; init; }

    /// <summary>
    /// Wait before a failed queue message is visible again. Null: host.json's <c>visibilityTimeout</c>. Tests shorten
    /// it so five deliveries do not take minutes; the count of deliveries and the poison step are unchanged.
    /// </summary>
    public TimeSpan? QueueRetryDelay { get; init; }

    /// <summary>Longest wait for the worker to connect, initialize, index and load its functions.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Longest wait for one invocation's response (host.json's functionTimeout is 10 minutes; tests need less).</summary>
    public TimeSpan InvocationTimeout { get; init; } = TimeSpan.FromMinutes(2);
}
