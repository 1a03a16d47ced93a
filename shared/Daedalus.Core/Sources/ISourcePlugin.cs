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

    /// <summary>
    /// <c>sources check</c>: proves the source answers with the configured settings and credentials, reading as little
    /// as it can and storing nothing. Returns normally when it works; throws <see cref="SourceException"/> saying what
    /// failed (never a secret), <see cref="SourceRateLimitedException"/> when the source is throttling. The default
    /// describes the first configured stream, which calls the source for every plugin that asks it for a schema.
    /// </summary>
    async ValueTask CheckAsync(SourceContext context, CancellationToken cancellationToken)
    {
        if (context.Source.Streams.Count > 0)
        {
            await DescribeAsync(context, context.Source.Streams[0], cancellationToken);
        }
    }

    /// <summary>
    /// <c>sources discover</c>: the schema of every configured stream as the source shows it now (columns with their
    /// types, primary key, cursor field), in configuration order. Plugins that infer types from a sample say so in
    /// their docs. The default describes each stream; errors as for <see cref="CheckAsync"/>.
    /// </summary>
    async ValueTask<IReadOnlyList<StreamSchema>> DiscoverAsync(SourceContext context, CancellationToken cancellationToken)
    {
        var schemas = new List<StreamSchema>(context.Source.Streams.Count);
        foreach (var stream in context.Source.Streams)
        {
            schemas.Add(await DescribeAsync(context, stream, cancellationToken));
        }

        return schemas;
    }
}
