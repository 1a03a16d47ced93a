namespace Daedalus.Client;

/// <summary>Times of day (UTC, HH:mm) between which scheduled pulls may start.</summary>
public sealed record WindowSpec(string Start, string End);
