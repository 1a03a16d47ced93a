namespace Daedalus.Runs;

/// <summary>One thing that happened in a run. <see cref="Detail"/> is a JSON object whose fields depend on <see cref="Kind"/> (see <see cref="RunEventKinds"/>).</summary>
public sealed record RunEvent(long Id, Guid RunId, DateTimeOffset At, string Kind, string Source, string? Stream, string? BatchId, string Detail);
