using System.Diagnostics;
using Daedalus.Client;
using Daedalus.Queues;
using Daedalus.Security;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Daedalus.Api;

/// <summary>
/// The dependency half of the status report: PostgreSQL, the batch queue (absent in hosts without one) and the
/// key provider, each bounded by a timeout so a hung dependency makes the report unhealthy, not slow.
/// </summary>
public sealed class DependencyChecks
{
    public const string Healthy = "healthy";
    public const string Unhealthy = "unhealthy";
    public const string Absent = "absent";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly IServiceProvider _services;
    private readonly ILogger<DependencyChecks> _logger;

    public DependencyChecks(IServiceProvider services, ILogger<DependencyChecks> logger)
    {
        _services = services;
        _logger = logger;
    }

    public async Task<IReadOnlyList<DependencyStatus>> RunAsync(CancellationToken cancellationToken)
    {
        var queue = _services.GetService<IBatchQueue>();
        var checks = new[]
        {
            CheckAsync("postgresql", async token =>
            {
                await using var connection = await _services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(token);
                await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: token));
                return "reachable";
            }, cancellationToken),
            queue is null
                ? Task.FromResult(new DependencyStatus("queue", Absent, 0, "no batch queue in this host: batches load in-process"))
                : CheckAsync("queue", async token =>
                {
                    var depth = await queue.GetDepthAsync(token);
                    return $"{depth.Batches} batches waiting, {depth.Poison} poison";
                }, cancellationToken),
            CheckAsync("keys", async token =>
            {
                await _services.GetRequiredService<IKeyProvider>().GetActiveKeyAsync(token);
                return "active key available";
            }, cancellationToken),
        };
        return await Task.WhenAll(checks);
    }

    private async Task<DependencyStatus> CheckAsync(string name, Func<CancellationToken, Task<string>> check, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var detail = await check(timeout.Token);
            return new DependencyStatus(name, Healthy, Elapsed(started), detail);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DependencyStatus(name, Unhealthy, Elapsed(started), $"no answer within {Timeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The route is anonymous: hosts, ports and messages go to the log, the answer names only the kind of failure.
            _logger.LogError(ex, "Status check {Check} failed", name);
            return new DependencyStatus(name, Unhealthy, Elapsed(started), $"{ex.GetType().Name} (details in the host log)");
        }
    }

    private static double Elapsed(long started) => Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);
}
