using Daedalus.Configuration;

namespace Daedalus.Scheduling;

/// <summary>A source whose schedule slot this instance claimed and must now pull.</summary>
public sealed record DueSource(SourceDefinition Source, DateTimeOffset Slot);
