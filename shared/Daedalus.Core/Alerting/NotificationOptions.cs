using System.ComponentModel.DataAnnotations;

namespace Daedalus.Alerting;

/// <summary>
/// <c>Daedalus:Notifications</c>: how the dispatcher delivers the outbox. Attempt n (1-based) that fails is retried
/// after <see cref="InitialBackoffSeconds"/> × 2^(n-1) seconds (+0–25% jitter, at most
/// <see cref="MaxBackoffSeconds"/>), until <see cref="MaxAttempts"/> attempts have failed.
/// </summary>
public sealed class NotificationOptions
{
    /// <summary>How often the self-host's loop checks freshness and delivers due notifications.</summary>
    [Range(0.05, 3600)]
    public double DispatchIntervalSeconds { get; set; } = 5;

    /// <summary>Per request: a receiver slower than this counts as a failed attempt.</summary>
    [Range(0.05, 300)]
    public double TimeoutSeconds { get; set; } = 10;

    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    [Range(0.01, 3600)]
    public double InitialBackoffSeconds { get; set; } = 5;

    [Range(0.01, 86400)]
    public double MaxBackoffSeconds { get; set; } = 1800;

    /// <summary>Notifications claimed (and sent concurrently) per dispatch.</summary>
    [Range(1, 500)]
    public int BatchSize { get; set; } = 20;
}
