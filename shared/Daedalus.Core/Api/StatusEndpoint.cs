using System.Diagnostics;
using Daedalus.Queues;
using Daedalus.Security;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Daedalus.Api;

/// <summary>
/// <c>GET /api/v1/status</c>: 200 when PostgreSQL, the queue and the key provider all answer, 503 otherwise,
/// with per-dependency detail. Each check is bounded in time. Shared by the HTTP trigger and the self-host.
/// </summary>
public sealed class StatusEndpoint
{
    public const string Name = "status";
    public const string Route = "v1/status";
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    private readonly NpgsqlDataSource _dataSource;
    private readonly IBatchQueue _queue;
    private readonly IKeyProvider _keys;
    private readonly ILogger<StatusEndpoint> _logger;

    public StatusEndpoint(NpgsqlDataSource dataSource, IBatchQueue queue, IKeyProvider keys, ILogger<StatusEndpoint> logger)
    {
        _dataSource = dataSource;
        _queue = queue;
        _keys = keys;
        _logger = logger;
    }

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/" + Route, (StatusEndpoint status, CancellationToken cancellationToken) => status.GetAsync(cancellationToken)).WithName(Name);

    public async Task<IResult> GetAsync(CancellationToken cancellationToken)
    {
        var report = await CheckAsync(cancellationToken);
        return Results.Json(report, statusCode: report.Status == "ok" ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    public async Task<StatusReport> CheckAsync(CancellationToken cancellationToken)
    {
        var checks = await Task.WhenAll(
            RunAsync("postgres", async ct =>
            {
                await using var connection = await _dataSource.OpenConnectionAsync(ct);
                var version = await connection.ExecuteScalarAsync<int?>(new CommandDefinition("SELECT max(version) FROM public.daedalus_schema_migrations", cancellationToken: ct));
                return $"connected, schema version {version}";
            }, cancellationToken),
            RunAsync("queue", async ct =>
            {
                var depth = await _queue.GetDepthAsync(ct);
                return $"{depth.Batches} messages waiting, {depth.Poison} poison";
            }, cancellationToken),
            RunAsync("keys", async ct =>
            {
                var key = await _keys.GetActiveKeyAsync(ct);
                return $"active key {key.Id}";
            }, cancellationToken));
        return new StatusReport(checks.All(c => c.Status == "ok") ? "ok" : "unavailable", checks.ToDictionary(c => c.Name, c => c));
    }

    private async Task<DependencyStatus> RunAsync(string name, Func<CancellationToken, Task<string>> check, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CheckTimeout);
        try
        {
            var detail = await check(timeout.Token);
            return new DependencyStatus(name, "ok", detail, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Status check {Dependency} failed", name);
            var detail = ex is OperationCanceledException ? $"no answer within {CheckTimeout.TotalSeconds:0} s" : ex.Message;
            return new DependencyStatus(name, "unavailable", detail, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }
}
