namespace Daedalus.Client;

/// <summary>Answer of <c>GET /sources/{name}/discover</c>: the streams the source offers now, with their columns.</summary>
public sealed record SourceDiscoveryReport(string Source, string Plugin, IReadOnlyList<DiscoveredStreamInfo> Streams);
