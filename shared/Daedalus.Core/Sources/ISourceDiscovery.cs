using Daedalus.Configuration;

namespace Daedalus.Sources;

/// <summary>
/// Optional capability of a plugin that can look at its source before anything loads, for <c>daedalus sources check</c>
/// and <c>sources discover</c>. A plugin implements it beside <see cref="ISourcePlugin"/>; callers test for it.
/// </summary>
public interface ISourceDiscovery
{
    /// <summary>Reaches the stream with the configured credentials and reads a little of it; stores nothing. Never throws for the source's own failures: they are the answer.</summary>
    ValueTask<StreamCheck> CheckAsync(SourceContext context, StreamDefinition stream, CancellationToken cancellationToken);

    /// <summary>What the stream offers now: its schema, and the stream settings that pin it (e.g. declared column types), ready to paste into config.</summary>
    ValueTask<DiscoveredStream> DiscoverAsync(SourceContext context, StreamDefinition stream, CancellationToken cancellationToken);
}
