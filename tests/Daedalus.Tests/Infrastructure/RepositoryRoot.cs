namespace Daedalus.Tests.Infrastructure;

/// <summary>The checkout the tests run from (the folder holding Daedalus.sln).</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "Daedalus.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"no Daedalus.sln above {AppContext.BaseDirectory}");
    }
}
