namespace Daedalus.Tests.Sources.Files;

/// <summary>
/// <see cref="FilesMemoryTests"/> measure the process's live heap, so they run with no other test of this assembly
/// beside them (xUnit runs a collection without parallelization after the parallel ones).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FilesMemoryCollection
{
    public const string Name = "files memory";
}
