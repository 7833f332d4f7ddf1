namespace DistKit.Testing;

/// <summary>Paths in the checkout the tests run from.</summary>
public static class Repository
{
    /// <summary>The checkout's root: the directory holding DistKit.slnx, found upwards from the test binary.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DistKit.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no DistKit.slnx above {AppContext.BaseDirectory}");
    }
}
