namespace Daedalus.Client;

/// <summary>Replay one poison message, or all of them when <c>messageId</c> is null.</summary>
public sealed record PoisonReplayRequest
{
    public string? MessageId { get; init; }
}
