namespace Daedalus.Sources;

/// <summary>
/// A source plugin. Adding a source is one folder with an implementation of this interface and one
/// registration line in <see cref="SourcePluginServiceCollectionExtensions"/>.
/// </summary>
public interface ISourcePlugin
{
    /// <summary>The name config uses in <c>plugin:</c>.</summary>
    string Name { get; }

    /// <summary>Problems with the source's settings and streams, as plain sentences, without calling the source.</summary>
    IEnumerable<string> Validate(Configuration.SourceDefinition source);

    /// <summary>The schema of each configured stream (may ask the source, e.g. for a board's columns).</summary>
    ValueTask<StreamSchema> DescribeAsync(SourceContext context, Configuration.StreamDefinition stream, CancellationToken cancellationToken);

    /// <summary>Pages from the cursor onwards. A page's cursor is where the next read resumes.</summary>
    IAsyncEnumerable<SourcePage> ReadAsync(SourceContext context, StreamReadRequest request, CancellationToken cancellationToken);
}
