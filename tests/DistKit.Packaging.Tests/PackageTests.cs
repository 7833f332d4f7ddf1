using System.IO.Compression;
using System.Xml.Linq;

namespace DistKit.Packaging.Tests;

/// <summary>What <c>dotnet pack DistKit.slnx</c> produces is what a user installs: one package per library, complete, and light.</summary>
public sealed class PackageTests
{
    private static readonly string[] Libraries = ["DistKit.Core", "DistKit.Ids", "DistKit.Locks", "DistKit.Scheduling", "DistKit.Configuration", "DistKit.Balancing", "DistKit.Balancing.Grpc", "DistKit.Search", "DistKit.Lucene", "DistKit.Redis", "DistKit.Etcd", "DistKit.Postgres", "DistKit.Sqlite", "DistKit.Nats", "DistKit.Client", "DistKit.Server"];

    // Packages an app gets only when it chose the embedded stores.
    private static readonly string[] EmbeddedStores = ["Microsoft.Data.Sqlite", "SQLitePCLRaw", "Lucene.Net", "DistKit.Sqlite", "DistKit.Lucene"];

    [Fact]
    public async Task EveryLibrary_IsAPackage_WithReadmeLicenseRepositoryDocsAndSymbols()
    {
        var (feed, version) = await PackageFeed.GetAsync();
        foreach (var library in Libraries)
        {
            using var package = Open(feed, library, version);
            var nuspec = Nuspec(package);
            var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string? Meta(string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

            Assert.Equal("README.md", Meta("readme"));
            Assert.NotNull(package.GetEntry("README.md"));
            Assert.Equal("MIT", Meta("license"));
            Assert.Equal("git", metadata.Elements().Single(e => e.Name.LocalName == "repository").Attribute("type")?.Value);
            Assert.False(string.IsNullOrWhiteSpace(Meta("description")), $"{library} has no description");
            Assert.Contains(package.Entries, e => e.FullName == $"lib/net10.0/{library}.xml");
            Assert.True(File.Exists(Path.Combine(feed, $"{library}.{version}.snupkg")), $"{library} has no symbol package");
        }
    }

    [Fact]
    public async Task TheCli_IsADotnetTool()
    {
        var (feed, version) = await PackageFeed.GetAsync();
        using var package = Open(feed, "distkit", version);

        Assert.Contains(package.Entries, e => e.FullName.EndsWith("/DotnetToolSettings.xml", StringComparison.Ordinal));
        // One program running every command: the node's half, which holds them all.
        Assert.Contains(package.Entries, e => e.FullName.EndsWith("/distkit-node.dll", StringComparison.Ordinal));
        Assert.Contains(package.Entries, e => e.FullName.EndsWith("/distkit.dll", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("DistKit.Core")]
    [InlineData("DistKit.Locks")]
    [InlineData("DistKit.Scheduling")]
    [InlineData("DistKit.Configuration")]
    [InlineData("DistKit.Balancing")]
    [InlineData("DistKit.Search")]
    [InlineData("DistKit.Ids")]
    [InlineData("DistKit.Redis")]
    [InlineData("DistKit.Etcd")]
    [InlineData("DistKit.Postgres")]
    [InlineData("DistKit.Nats")]
    [InlineData("DistKit.Client")]
    public async Task CapabilityAndServerEnginePackages_DoNotBringSqliteOrLucene(string library)
    {
        var (feed, version) = await PackageFeed.GetAsync();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<string>([library]);
        while (pending.TryPop(out var id))
        {
            if (!seen.Add(id) || !id.StartsWith("DistKit.", StringComparison.Ordinal))
            {
                continue;
            }

            using var package = Open(feed, id, version);
            foreach (var dependency in Nuspec(package).Descendants().Where(e => e.Name.LocalName == "dependency"))
            {
                pending.Push(dependency.Attribute("id")!.Value);
            }
        }

        var heavy = seen.Where(id => EmbeddedStores.Any(store => id.StartsWith(store, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.True(heavy.Count == 0, $"{library} brings {string.Join(", ", heavy)} (all it brings: {string.Join(", ", seen.Order())})");
        Assert.Contains("DistKit.Core", seen);
    }

    [Fact]
    public async Task TheBalancingPackage_CarriesNoGrpc_ItsGrpcIntegrationDoes()
    {
        var (feed, version) = await PackageFeed.GetAsync();
        using var balancing = Open(feed, "DistKit.Balancing", version);
        using var grpc = Open(feed, "DistKit.Balancing.Grpc", version);
        string[] DependenciesOf(ZipArchive package) =>
            [.. Nuspec(package).Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")!.Value)];

        Assert.DoesNotContain(DependenciesOf(balancing), id => id.StartsWith("Grpc", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("Grpc.Net.Client", DependenciesOf(grpc));
        Assert.Contains("DistKit.Balancing", DependenciesOf(grpc));
    }

    private static ZipArchive Open(string feed, string id, string version)
    {
        var path = Path.Combine(feed, $"{id}.{version}.nupkg");
        Assert.True(File.Exists(path), $"no package {path}; packed: {string.Join(", ", Directory.GetFiles(feed, "*.nupkg").Select(Path.GetFileName))}");
        return ZipFile.OpenRead(path);
    }

    private static XDocument Nuspec(ZipArchive package)
    {
        using var stream = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal)).Open();
        return XDocument.Load(stream);
    }
}
