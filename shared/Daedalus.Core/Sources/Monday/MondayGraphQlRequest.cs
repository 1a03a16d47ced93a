namespace Daedalus.Sources.Monday;

/// <summary>The body of a monday API call: <c>{"query": ..., "variables": {...}}</c>.</summary>
public sealed record MondayGraphQlRequest(string Query, IReadOnlyDictionary<string, object?> Variables);
