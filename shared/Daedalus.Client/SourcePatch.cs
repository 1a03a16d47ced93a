namespace Daedalus.Client;

/// <summary>PATCH body: only the fields present change.</summary>
public sealed record SourcePatch
{
    public bool? Enabled { get; init; }

    public string? Schedule { get; init; }
}
