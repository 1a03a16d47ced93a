namespace Daedalus.Tests.Sources.Files;

/// <summary>
/// Tests that change the process's local time zone (TZ) run with no other test beside them: every test of the
/// assembly shares that setting (xUnit runs a collection without parallelization after the parallel ones).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessTimeZoneCollection
{
    public const string Name = "process time zone";
}
