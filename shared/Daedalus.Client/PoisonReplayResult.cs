namespace Daedalus.Client;

public sealed record PoisonReplayResult(int Replayed);
