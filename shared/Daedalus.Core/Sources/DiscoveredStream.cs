namespace Daedalus.Sources;

/// <summary>The outcome of <see cref="ISourceDiscovery.DiscoverAsync"/>: the stream's schema and the <c>settings:</c> entries that pin it.</summary>
public sealed record DiscoveredStream(StreamSchema Schema, IReadOnlyDictionary<string, string> Settings);
