using Daedalus.Api;
using Daedalus.Client;
using Daedalus.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Daedalus.Telemetry;

/// <summary>Takes the queue depth and source lag snapshots the gauges report, every 15 seconds.</summary>
public sealed class PipelineGaugeRefresher : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private readonly IServiceProvider _services;
    private readonly ILogger<PipelineGaugeRefresher> _logger;

    public PipelineGaugeRefresher(IServiceProvider services, ILogger<PipelineGaugeRefresher> logger)
    {
        _services = services;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                _logger.LogWarning(ex, "Could not refresh the queue depth and source lag gauges");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        QueueDepth? depth = null;
        if (_services.GetService<IBatchQueue>() is { } queue)
        {
            depth = await queue.GetDepthAsync(cancellationToken);
        }

        IReadOnlyList<SourceFreshness> freshness = await _services.GetRequiredService<SourceFreshnessReader>().ReadAsync(cancellationToken);
        DaedalusInstruments.Observe(_services.GetService<IOptions<QueueOptions>>()?.Value.Name ?? QueueOptions.DefaultName, depth, freshness);
    }
}
