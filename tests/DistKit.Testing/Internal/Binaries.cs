namespace DistKit.Testing.Internal;

/// <summary>Finds server binaries on PATH or in the places Debian installs them.</summary>
internal static class Binaries
{
    public static string Find(string name, string debianPackage, params string[] extraDirectories)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var candidates = path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(extraDirectories)
            .Concat(["/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin"]);
        foreach (var directory in candidates)
        {
            var full = Path.Combine(directory, name);
            if (File.Exists(full))
            {
                return full;
            }
        }

        throw new ServerBinaryMissingException(name, debianPackage);
    }

    /// <summary>The bin directory of the newest PostgreSQL Debian has installed.</summary>
    public static string PostgresBinDirectory()
    {
        const string Root = "/usr/lib/postgresql";
        var newest = Directory.Exists(Root)
            ? Directory.GetDirectories(Root)
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(x => File.Exists(Path.Combine(x.Dir, "bin", "postgres")))
                .OrderByDescending(x => x.Version)
                .Select(x => Path.Combine(x.Dir, "bin"))
                .FirstOrDefault()
            : null;
        return newest ?? throw new ServerBinaryMissingException("postgres", "postgresql");
    }
}
