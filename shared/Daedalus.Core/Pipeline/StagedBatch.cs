using Daedalus.Batching;
using Daedalus.Configuration;
using Daedalus.Ingest;

namespace Daedalus.Pipeline;

/// <summary>A batch on its way to a sink, with whatever the sink prepared ahead (null when it prepares nothing).</summary>
public sealed record StagedBatch(Batch Batch, SourceDefinition Source, PreparedBatch? Prepared);
