namespace Daedalus.Tests.Alerting;

/// <summary>One request the <see cref="WebhookReceiver"/> got; <see cref="ArrivedAt"/> is a Stopwatch timestamp.</summary>
public sealed record WebhookRequest(string Name, byte[] Body, string IdempotencyKey, string? ContentType, long ArrivedAt);
