namespace Daedalus.Client;

/// <summary>Replay one poison message, or all of them when <see cref="MessageId"/> is null.</summary>
public sealed record PoisonReplayRequest
{
    public string? MessageId { get; init; }
}
