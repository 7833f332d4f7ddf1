using DistKit.Testing;
using System.Reflection;

namespace DistKit.Packaging.Tests;

/// <summary>
/// Each shipped library's public API matches its checked-in listing (<c>eng/api/*.txt</c>), so a
/// change to a package's surface is a visible change in review. After an intended change, run the
/// tests with <c>DISTKIT_ACCEPT_API=1</c> to rewrite the listings, and commit them.
/// </summary>
public sealed class PublicApiTests
{
    public static TheoryData<string> Libraries() =>
        ["DistKit.Core", "DistKit.Ids", "DistKit.Locks", "DistKit.Scheduling", "DistKit.Configuration", "DistKit.Balancing", "DistKit.Balancing.Grpc", "DistKit.Search", "DistKit.Lucene", "DistKit.Redis", "DistKit.Etcd", "DistKit.Postgres", "DistKit.Sqlite", "DistKit.Nats", "DistKit.Client", "DistKit.Server"];

    [Theory]
    [MemberData(nameof(Libraries))]
    public void PublicApi_MatchesTheCheckedInListing(string library)
    {
        var actual = PublicApiListing.Of(Assembly.Load(library));
        var path = Path.Combine(Repository.Root, "eng", "api", library + ".txt");
        if (Environment.GetEnvironmentVariable("DISTKIT_ACCEPT_API") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run the tests with DISTKIT_ACCEPT_API=1 to write it");
        var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        var added = actual.Split('\n').Except(expected.Split('\n')).ToList();
        var removed = expected.Split('\n').Except(actual.Split('\n')).ToList();
        Assert.True(
            added.Count == 0 && removed.Count == 0,
            $"{library}'s public API differs from eng/api/{library}.txt; if intended, rerun with DISTKIT_ACCEPT_API=1 and commit the listing.\n"
            + string.Join('\n', added.Take(20).Select(l => "+ " + l).Concat(removed.Take(20).Select(l => "- " + l))));
    }
}
