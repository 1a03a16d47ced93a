using Daedalus.Configuration;

namespace Daedalus.Sources;

/// <summary>What the puller asks a plugin for: one stream, from a cursor (null = from the beginning).</summary>
public sealed record StreamReadRequest(StreamDefinition Stream, StreamSchema Schema, string? Cursor);
