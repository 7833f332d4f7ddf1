using DistKit.Configuration;
using DistKit.Configuration.Watching;

namespace DistKit.Engines.Tests.Configuration;

/// <summary>
/// What the configuration center does on every engine's store: releases, history, rollback, diff,
/// compare-and-set, validation that stores nothing, and watches that resume without gaps or
/// duplicates. One small class per engine supplies the store.
/// </summary>
public abstract class ConfigCenterContract : IAsyncDisposable
{
    private readonly List<ConfigCenter> _centers = [];

    protected abstract IConfigStore Store { get; }

    protected ConfigCenter Center(ConfigOptions? options = null)
    {
        var center = new ConfigCenter(Store, options ?? new ConfigOptions { Poll = TimeSpan.FromMilliseconds(50) });
        _centers.Add(center);
        return center;
    }

    // Namespaces are shared by every test on one store; each test works in one of its own.
    protected static string NewNamespace() => $"test/n{Guid.NewGuid():N}";


    [Fact(Timeout = 30_000)]
    public async Task Publish_ThenGet_ReturnsTheValueByteForByte_WithVersionOneAtTheReleaseRevision()
    {
        var center = Center();
        var ns = NewNamespace();
        const string value = "{ \"maxItems\" : 50,\n  \"city\": \"上海\" }\n";

        var release = await center.PublishAsync(ns, [new ConfigChange("Checkout", ConfigValueType.Json, value)], "alice", "raise cap", TestContext.Current.CancellationToken);
        var entry = await center.GetAsync(ns, "Checkout", TestContext.Current.CancellationToken);

        Assert.NotNull(entry);
        Assert.Equal(value, entry.Value);
        Assert.Equal(ConfigValueType.Json, entry.Type);
        Assert.Equal(1, entry.Version);
        Assert.Equal(release.Revision, entry.Revision);
        Assert.Equal("alice", entry.Author);
        Assert.Null(await center.GetAsync(ns, "Missing", TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 30_000)]
    public async Task Publish_SeveralKeys_IsOneReleaseUnderOneRevision()
    {
        var center = Center();
        var ns = NewNamespace();
        var before = await Store.RevisionAsync(TestContext.Current.CancellationToken);

        var release = await center.PublishAsync(ns,
            [new ConfigChange("b", ConfigValueType.Text, "two"), new ConfigChange("a", ConfigValueType.Text, "one")], "alice", "both", TestContext.Current.CancellationToken);

        Assert.True(release.Revision > before);
        Assert.Equal(["a", "b"], release.Changes.Select(c => c.Key));
        Assert.All(release.Changes, c => Assert.Equal(release.Revision, c.Revision));
        var snapshot = await center.ReadAsync(ns, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(["one", "two"], snapshot.Entries.Select(e => e.Value));
        Assert.True(snapshot.Revision >= release.Revision);
        var listed = Assert.Single(await center.ReleasesAsync(ns, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(release, listed with { Changes = release.Changes }, ReleaseHeads.Instance);
        Assert.Equal(release.Changes, listed.Changes);
    }

    [Fact(Timeout = 30_000)]
    public async Task History_KeepsEveryVersion_NewestFirst_WithAuthorAndMessage()
    {
        var center = Center();
        var ns = NewNamespace();
        await center.PublishAsync(ns, [new ConfigChange("k", ConfigValueType.Text, "v1")], "alice", "first", TestContext.Current.CancellationToken);
        await center.PublishAsync(ns, [new ConfigChange("k", ConfigValueType.Text, "v2")], "bob", "second", TestContext.Current.CancellationToken);
        await center.PublishAsync(ns, [ConfigChange.Delete("k")], "carol", "gone", TestContext.Current.CancellationToken);

        var history = await center.HistoryAsync(ns, "k", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal([3L, 2L, 1L], history.Select(h => h.Version));
        Assert.Equal([null, "v2", "v1"], history.Select(h => h.Value));
        Assert.Equal(["carol", "bob", "alice"], history.Select(h => h.Author));
        Assert.Equal(["gone", "second", "first"], history.Select(h => h.Message));
        Assert.True(history[0].Revision > history[1].Revision && history[1].Revision > history[2].Revision);
        Assert.Null(await center.GetAsync(ns, "k", TestContext.Current.CancellationToken));
        Assert.Equal([2L], (await center.HistoryAsync(ns, "k", limit: 1, beforeVersion: 3, cancellationToken: TestContext.Current.CancellationToken)).Select(h => h.Version));
    }

    [Fact(Timeout = 30_000)]
    public async Task CompareAndSet_AtTheWrongVersion_Conflicts_AndStoresNothing()
    {
        var center = Center();
        var ns = NewNamespace();
        await center.PublishAsync(ns, [new ConfigChange("k", ConfigValueType.Text, "v1", ExpectedVersion: 0)], "alice", null, TestContext.Current.CancellationToken);
        var stale = await Assert.ThrowsAsync<ConfigConflictException>(async () =>
            await center.PublishAsync(ns, [new ConfigChange("other", ConfigValueType.Text, "x"), new ConfigChange("k", ConfigValueType.Text, "v2", ExpectedVersion: 0)], "bob", null, TestContext.Current.CancellationToken));
        Assert.Equal(1, stale.Current);
        Assert.Equal(0, stale.Expected);
        // Nothing of the refused release: the namespace has its first release only.
        Assert.Single(await center.ReleasesAsync(ns, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Null(await center.GetAsync(ns, "other", TestContext.Current.CancellationToken));

        await center.PublishAsync(ns, [new ConfigChange("k", ConfigValueType.Text, "v2", ExpectedVersion: 1)], "bob", null, TestContext.Current.CancellationToken);
        Assert.Equal("v2", (await center.GetAsync(ns, "k", TestContext.Current.CancellationToken))!.Value);
    }

    [Fact(Timeout = 60_000)]
    public async Task CompareAndSet_ManyWritersOnOneVersion_ExactlyOneWins()
    {
        var ns = NewNamespace();
        await Center().PublishAsync(ns, [new ConfigChange("k", ConfigValueType.Text, "start")], "setup", null, TestContext.Current.CancellationToken);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await Center().PublishAsync(ns, [new ConfigChange("k", ConfigValueType.Text, "w" + i, ExpectedVersion: 1)], "w" + i, null, TestContext.Current.CancellationToken);
                return true;
            }
            catch (ConfigConflictException)
            {
                return false;
            }
        }));

        Assert.Equal(1, outcomes.Count(won => won));
        Assert.Equal(2, (await Store.GetAsync(ns, "k", TestContext.Current.CancellationToken))!.Version);
    }

    [Fact(Timeout = 30_000)]
    public async Task Delete_OfAMissingKey_IsRefused_AndARecreatedKeyCountsOn()
    {
        var center = Center();
        var ns = NewNamespace();
        await Assert.ThrowsAsync<KeyNotFoundException>(async () => await center.PublishAsync(ns, [ConfigChange.Delete("k")], "alice", null, TestContext.Current.CancellationToken));

        await center.PublishAsync(ns, [new ConfigChange("k", ConfigValueType.Text, "v1")], "alice", null, TestContext.Current.CancellationToken);
        await center.PublishAsync(ns, [ConfigChange.Delete("k", expectedVersion: 1)], "alice", null, TestContext.Current.CancellationToken);
        await center.PublishAsync(ns, [new ConfigChange("k", ConfigValueType.Text, "again", ExpectedVersion: 0)], "alice", null, TestContext.Current.CancellationToken);

        Assert.Equal(3, (await center.GetAsync(ns, "k", TestContext.Current.CancellationToken))!.Version);
    }

    [Fact(Timeout = 30_000)]
    public async Task RollbackKey_WritesTheOldVersionAgain_AsANewVersion()
    {
        var center = Center();
        var ns = NewNamespace();
        await center.PublishAsync(ns, [new ConfigChange("k", ConfigValueType.Yaml, "limit: 10\n")], "alice", null, TestContext.Current.CancellationToken);
        await center.PublishAsync(ns, [new ConfigChange("k", ConfigValueType.Yaml, "limit: 99\n")], "bob", null, TestContext.Current.CancellationToken);

        var release = await center.RollbackKeyAsync(ns, "k", 1, "carol", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(ReleaseKind.Rollback, release.Kind);
        var entry = await center.GetAsync(ns, "k", TestContext.Current.CancellationToken);
        Assert.Equal("limit: 10\n", entry!.Value);
        Assert.Equal(3, entry.Version);
        Assert.Equal("rollback k to version 1", (await center.HistoryAsync(ns, "k", cancellationToken: TestContext.Current.CancellationToken))[0].Message);
    }

    [Fact(Timeout = 30_000)]
    public async Task RollbackNamespace_PutsEveryKeyBackAsAtTheRevision_InOneRelease()
    {
        var center = Center();
        var ns = NewNamespace();
        var good = await center.PublishAsync(ns, [new ConfigChange("kept", ConfigValueType.Text, "1"), new ConfigChange("changed", ConfigValueType.Text, "old"), new ConfigChange("deleted", ConfigValueType.Text, "here")], "alice", null, TestContext.Current.CancellationToken);
        await center.PublishAsync(ns, [new ConfigChange("changed", ConfigValueType.Text, "new"), ConfigChange.Delete("deleted"), new ConfigChange("added", ConfigValueType.Text, "later")], "bob", null, TestContext.Current.CancellationToken);

        var rollback = await center.RollbackNamespaceAsync(ns, good.Revision, "carol", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["added", "changed", "deleted"], rollback.Changes.Select(c => c.Key));
        var snapshot = await center.ReadAsync(ns, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal([("changed", "old"), ("deleted", "here"), ("kept", "1")], snapshot.Entries.Select(e => (e.Key, e.Value)));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await center.RollbackNamespaceAsync(ns, good.Revision, "carol", cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 30_000)]
    public async Task Diff_OfTwoVersions_KeepsCommonLines_AndMarksTheRest()
    {
        var center = Center();
        var ns = NewNamespace();
        await center.PublishAsync(ns, [new ConfigChange("sql", ConfigValueType.Text, "SELECT city\nFROM orders\nWHERE day = $1\n")], "alice", null, TestContext.Current.CancellationToken);
        await center.PublishAsync(ns, [new ConfigChange("sql", ConfigValueType.Text, "SELECT city, total\nFROM orders\nWHERE day = $1\n")], "alice", null, TestContext.Current.CancellationToken);

        var diff = await center.DiffAsync(ns, "sql", 1, 2, TestContext.Current.CancellationToken);

        Assert.Equal(["-SELECT city", "+SELECT city, total", " FROM orders", " WHERE day = $1"], diff.Lines.Select(l => l.Op + l.Text));
        await Assert.ThrowsAsync<KeyNotFoundException>(async () => await center.DiffAsync(ns, "sql", 1, 9, TestContext.Current.CancellationToken));
    }

    [Theory(Timeout = 30_000)]
    [InlineData(ConfigValueType.Json, "{\"a\": 1,}")]
    [InlineData(ConfigValueType.Yaml, "a: [1, 2\n")]
    [InlineData(ConfigValueType.Properties, "a=\\u12")]
    public async Task Publish_AValueThatDoesNotParse_IsRefused_AndNothingOfTheReleaseIsStored(ConfigValueType type, string value)
    {
        var center = Center();
        var ns = NewNamespace();
        var refused = await Assert.ThrowsAsync<ConfigValidationException>(async () =>
            await center.PublishAsync(ns, [new ConfigChange("fine", ConfigValueType.Text, "ok"), new ConfigChange("bad", type, value)], "alice", null, TestContext.Current.CancellationToken));

        Assert.Equal("bad", refused.Key);
        Assert.Contains("not valid", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await center.ReleasesAsync(ns, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Empty((await center.ReadAsync(ns, cancellationToken: TestContext.Current.CancellationToken)).Entries);
        Assert.Empty(await center.HistoryAsync(ns, "fine", cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 30_000)]
    public async Task Publish_ASchemaViolation_IsRefusedNamingThePath_AndNothingChanges()
    {
        var center = Center();
        var ns = NewNamespace();
        await center.SetSchemaAsync(ns, "limits", """{"type":"object","properties":{"perCity":{"type":"integer","maximum":100}},"required":["perCity"]}""", TestContext.Current.CancellationToken);
        await center.PublishAsync(ns, [new ConfigChange("limits", ConfigValueType.Yaml, "perCity: 20\n")], "alice", null, TestContext.Current.CancellationToken);

        var refused = await Assert.ThrowsAsync<ConfigValidationException>(async () =>
            await center.PublishAsync(ns, [new ConfigChange("limits", ConfigValueType.Json, """{"perCity": 500}""")], "bob", null, TestContext.Current.CancellationToken));

        Assert.Equal("/perCity", refused.Path);
        Assert.Equal("perCity: 20\n", (await center.GetAsync(ns, "limits", TestContext.Current.CancellationToken))!.Value);
        Assert.Equal(1, (await center.GetAsync(ns, "limits", TestContext.Current.CancellationToken))!.Version);
        Assert.Contains("limits", (await center.SchemasAsync(ns, TestContext.Current.CancellationToken)).Keys);
    }

    [Fact(Timeout = 30_000)]
    public async Task NamespaceSchema_IsCheckedAgainstTheNamespaceAsItWouldBecome()
    {
        var center = Center();
        var ns = NewNamespace();
        await center.PublishAsync(ns, [new ConfigChange("ratio", ConfigValueType.Json, "0.1")], "alice", null, TestContext.Current.CancellationToken);
        await center.SetSchemaAsync(ns, null, """{"type":"object","required":["ratio"],"properties":{"ratio":{"type":"number","minimum":0,"maximum":1}}}""", TestContext.Current.CancellationToken);

        var refused = await Assert.ThrowsAsync<ConfigValidationException>(async () =>
            await center.PublishAsync(ns, [ConfigChange.Delete("ratio")], "bob", null, TestContext.Current.CancellationToken));
        Assert.Null(refused.Key);
        await center.PublishAsync(ns, [new ConfigChange("ratio", ConfigValueType.Json, "0.5")], "bob", null, TestContext.Current.CancellationToken);

        Assert.Equal("0.5", (await center.GetAsync(ns, "ratio", TestContext.Current.CancellationToken))!.Value);
    }

    [Fact(Timeout = 30_000)]
    public async Task SetSchema_ThatTheCurrentValueBreaks_IsRefused()
    {
        var center = Center();
        var ns = NewNamespace();
        await center.PublishAsync(ns, [new ConfigChange("n", ConfigValueType.Json, "7")], "alice", null, TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<ConfigValidationException>(async () => await center.SetSchemaAsync(ns, "n", """{"type":"string"}""", TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(async () => await center.SetSchemaAsync(ns, "n", "{not json", TestContext.Current.CancellationToken));

        Assert.Empty(await center.SchemasAsync(ns, TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 30_000)]
    public async Task Drafts_AreInvisibleUntilPublished_ThenOneRelease()
    {
        var center = Center();
        var ns = NewNamespace();
        await center.StageAsync(ns, new ConfigChange("a", ConfigValueType.Text, "1"), "alice", TestContext.Current.CancellationToken);
        await center.StageAsync(ns, new ConfigChange("b", ConfigValueType.Text, "2"), "alice", TestContext.Current.CancellationToken);
        await center.StageAsync(ns, new ConfigChange("a", ConfigValueType.Text, "1b"), "alice", TestContext.Current.CancellationToken);
        Assert.Empty((await center.ReadAsync(ns, cancellationToken: TestContext.Current.CancellationToken)).Entries);
        Assert.Equal(["a", "b"], (await center.DraftsAsync(ns, TestContext.Current.CancellationToken)).Select(d => d.Change.Key));
        await Assert.ThrowsAsync<ConfigValidationException>(async () => await center.StageAsync(ns, new ConfigChange("c", ConfigValueType.Json, "{"), "alice", TestContext.Current.CancellationToken));

        var release = await center.PublishDraftsAsync(ns, "bob", "go", TestContext.Current.CancellationToken);

        Assert.Equal([("a", "1b"), ("b", "2")], release.Changes.Select(c => (c.Key, c.Value)));
        Assert.Empty(await center.DraftsAsync(ns, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await center.PublishDraftsAsync(ns, "bob", null, TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 30_000)]
    public async Task Watch_FromNothing_StartsWithASnapshot_ThenEveryReleaseInOrder()
    {
        var center = Center();
        var ns = NewNamespace();
        await center.PublishAsync(ns, [new ConfigChange("a", ConfigValueType.Text, "1")], "alice", null, TestContext.Current.CancellationToken);
        await using var watch = center.Watch(ns);

        var first = Assert.Single(await watch.NextAsync(TestContext.Current.CancellationToken));
        Assert.True(first.IsSnapshot);
        Assert.Equal(["a"], first.Changes.Select(c => c.Key));

        var published = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            published.Add((await center.PublishAsync(ns, [new ConfigChange("a", ConfigValueType.Text, i.ToString(System.Globalization.CultureInfo.InvariantCulture))], "alice", null, TestContext.Current.CancellationToken)).Revision);
        }

        var seen = new List<ConfigEvent>();
        while (seen.Count < 5)
        {
            seen.AddRange(await watch.NextAsync(TestContext.Current.CancellationToken));
        }

        Assert.Equal(published, seen.Select(e => e.Revision));
        Assert.All(seen, e => Assert.False(e.IsSnapshot));
        Assert.Equal(["0", "1", "2", "3", "4"], seen.Select(e => e.Changes.Single().Value));
    }

    [Fact(Timeout = 60_000)]
    public async Task Watch_ResumedFromItsLastRevision_MissesNothing_AndSeesNothingTwice()
    {
        var ns = NewNamespace();
        var writer = Center();
        var published = new List<long>();
        long last;
        await using (var watch = Center().Watch(ns, fromRevision: await Store.RevisionAsync(TestContext.Current.CancellationToken)))
        {
            published.Add((await writer.PublishAsync(ns, [new ConfigChange("k", ConfigValueType.Text, "before")], "alice", null, TestContext.Current.CancellationToken)).Revision);
            var seen = await watch.NextAsync(TestContext.Current.CancellationToken);
            Assert.Equal(published, seen.Select(e => e.Revision));
            last = seen[^1].Revision;
        }

        // Disconnected: releases of this namespace and of others go by.
        for (var i = 0; i < 4; i++)
        {
            published.Add((await writer.PublishAsync(ns, [new ConfigChange("k", ConfigValueType.Text, "while " + i)], "alice", null, TestContext.Current.CancellationToken)).Revision);
            await writer.PublishAsync(NewNamespace(), [new ConfigChange("other", ConfigValueType.Text, "x")], "alice", null, TestContext.Current.CancellationToken);
        }

        // A fresh center: nothing in memory, the replay comes from the store.
        await using var resumed = Center().Watch(ns, fromRevision: last);
        var replayed = new List<ConfigEvent>();
        while (replayed.Count < 4)
        {
            replayed.AddRange(await resumed.NextAsync(TestContext.Current.CancellationToken));
        }

        published.Add((await writer.PublishAsync(ns, [new ConfigChange("k", ConfigValueType.Text, "after")], "alice", null, TestContext.Current.CancellationToken)).Revision);
        replayed.AddRange(await resumed.NextAsync(TestContext.Current.CancellationToken));

        Assert.Equal(published.Skip(1), replayed.Select(e => e.Revision));
        Assert.Equal(["while 0", "while 1", "while 2", "while 3", "after"], replayed.Select(e => e.Changes.Single().Value));
    }

    [Fact(Timeout = 60_000)]
    public async Task Watch_FurtherBehindThanTheReplayLimit_GetsOneSnapshotFlaggedAsSuch()
    {
        var ns = NewNamespace();
        var writer = Center();
        var from = (await writer.PublishAsync(ns, [new ConfigChange("k", ConfigValueType.Text, "0")], "alice", null, TestContext.Current.CancellationToken)).Revision;
        for (var i = 1; i <= 5; i++)
        {
            await writer.PublishAsync(ns, [new ConfigChange("k", ConfigValueType.Text, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), new ConfigChange("n" + i, ConfigValueType.Text, "x")], "alice", null, TestContext.Current.CancellationToken);
        }

        await using var watch = Center(new ConfigOptions { ReplayLimit = 3, Poll = TimeSpan.FromMilliseconds(50) }).Watch(ns, fromRevision: from);
        var events = await watch.NextAsync(TestContext.Current.CancellationToken);

        var snapshot = Assert.Single(events);
        Assert.True(snapshot.IsSnapshot);
        Assert.Equal("5", snapshot.Changes.Single(c => c.Key == "k").Value);
        Assert.Equal(6, snapshot.Changes.Count);
    }

    [Fact(Timeout = 30_000)]
    public async Task Watch_FromARevisionTheStoreNeverReached_StartsOverFromASnapshot()
    {
        var center = Center();
        var ns = NewNamespace();
        await center.PublishAsync(ns, [new ConfigChange("k", ConfigValueType.Text, "now")], "alice", null, TestContext.Current.CancellationToken);

        // As a client whose disk copy came from a store since reset would resume.
        await using var watch = center.Watch(ns, fromRevision: await Store.RevisionAsync(TestContext.Current.CancellationToken) + 1000);
        var first = Assert.Single(await watch.NextAsync(TestContext.Current.CancellationToken));

        Assert.True(first.IsSnapshot);
        Assert.Equal("now", first.Changes.Single().Value);
    }

    [Fact(Timeout = 30_000)]
    public async Task Watch_OnAPrefix_GetsOnlyThoseKeys()
    {
        var center = Center();
        var ns = NewNamespace();
        await using var watch = center.Watch(ns, prefix: "feature.", fromRevision: await Store.RevisionAsync(TestContext.Current.CancellationToken));
        await center.PublishAsync(ns, [new ConfigChange("other", ConfigValueType.Text, "x")], "alice", null, TestContext.Current.CancellationToken);
        var wanted = await center.PublishAsync(ns, [new ConfigChange("feature.a", ConfigValueType.Text, "on"), new ConfigChange("zzz", ConfigValueType.Text, "y")], "alice", null, TestContext.Current.CancellationToken);

        var seen = Assert.Single(await watch.NextAsync(TestContext.Current.CancellationToken));

        Assert.Equal(wanted.Revision, seen.Revision);
        Assert.Equal(["feature.a"], seen.Changes.Select(c => c.Key));
    }

    private static WatcherInfo Client(string id, params (string Name, string Value)[] labels) =>
        new(id, "host-" + id, labels.ToDictionary(l => l.Name, l => l.Value), DateTimeOffset.UnixEpoch);

    private static async Task<List<ConfigEvent>> NextAsync(ConfigWatch watch, int count)
    {
        var events = new List<ConfigEvent>();
        while (events.Count < count)
        {
            events.AddRange(await watch.NextAsync(TestContext.Current.CancellationToken));
        }

        return events;
    }

    [Fact(Timeout = 60_000)]
    public async Task Gray_ReachesExactlyTheMatchingClients_AndChangesNoKey_ThenPromoteGivesItToAll()
    {
        var center = Center();
        var ns = NewNamespace();
        var ct = TestContext.Current.CancellationToken;
        await center.PublishAsync(ns, [new ConfigChange("ratio", ConfigValueType.Json, "0.1"), new ConfigChange("other", ConfigValueType.Text, "x")], "alice", null, ct);
        var from = await Store.RevisionAsync(ct);
        await using var eu = center.Watch(ns, fromRevision: from, who: Client("pod-eu", ("zone", "eu")));
        await using var us = center.Watch(ns, fromRevision: from, who: Client("pod-us", ("zone", "us")));

        var gray = await center.StartGrayAsync(ns, [new ConfigChange("ratio", ConfigValueType.Json, "0.5")], new GrayTarget(new Dictionary<string, string> { ["zone"] = "eu" }, null), "bob", "try 50%", ct);
        var main = await center.PublishAsync(ns, [new ConfigChange("ratio", ConfigValueType.Json, "0.2"), new ConfigChange("other", ConfigValueType.Text, "y")], "carol", null, ct);

        var euSaw = await NextAsync(eu, 2);
        var usSaw = await NextAsync(us, 1);
        Assert.Equal([(gray.Revision, "ratio", "0.5"), (main.Revision, "other", "y")], euSaw.SelectMany(e => e.Changes.Select(c => (e.Revision, c.Key, c.Value))));
        Assert.Equal([(main.Revision, "other", "y"), (main.Revision, "ratio", "0.2")], usSaw.SelectMany(e => e.Changes.Select(c => (e.Revision, c.Key, c.Value))));
        Assert.Equal("0.2", (await center.GetAsync(ns, "ratio", ct))!.Value);
        Assert.Equal(2, (await center.GetAsync(ns, "ratio", ct))!.Version);
        Assert.Equal(gray.Revision, (await center.GrayAsync(ns, ct))!.Revision);
        Assert.Equal(["pod-eu"], center.GraySeen(ns, gray.Revision).Select(s => s.Who.Client));

        // A client connecting now in the gray's audience starts from the namespace with the gray on top.
        await using var late = center.Watch(ns, who: Client("pod-eu-2", ("zone", "eu")));
        var lateView = Assert.Single(await late.NextAsync(ct));
        Assert.True(lateView.IsSnapshot);
        Assert.Equal("0.5", lateView.Changes.Single(c => c.Key == "ratio").Value);

        var promoted = await center.PromoteGrayAsync(ns, "dave", null, ct);
        Assert.Equal(ReleaseKind.Promote, promoted.Kind);
        Assert.Equal("0.5", Assert.Single(await eu.NextAsync(ct)).Changes.Single().Value);
        Assert.Equal("0.5", Assert.Single(await us.NextAsync(ct)).Changes.Single().Value);
        Assert.Equal(3, (await center.GetAsync(ns, "ratio", ct))!.Version);
        Assert.Null(await center.GrayAsync(ns, ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Gray_Abandoned_GivesItsClientsTheNamespacesValuesBack_AndAPercentageTakesItsShareOfClientIds()
    {
        var center = Center();
        var ns = NewNamespace();
        var ct = TestContext.Current.CancellationToken;
        await center.PublishAsync(ns, [new ConfigChange("flag", ConfigValueType.Text, "off")], "alice", null, ct);
        var ids = Enumerable.Range(0, 200).Select(i => "pod-" + i).ToList();
        var inside = ids.First(id => GrayTarget.Bucket(ns, id) < 30);
        var outside = ids.First(id => GrayTarget.Bucket(ns, id) >= 30);
        var from = await Store.RevisionAsync(ct);
        await using var inWatch = center.Watch(ns, fromRevision: from, who: Client(inside));
        await using var outWatch = center.Watch(ns, fromRevision: from, who: Client(outside));

        await center.StartGrayAsync(ns, [new ConfigChange("flag", ConfigValueType.Text, "on")], new GrayTarget(new Dictionary<string, string>(), 30), "bob", null, ct);
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await center.StartGrayAsync(ns, [new ConfigChange("flag", ConfigValueType.Text, "again")], new GrayTarget(new Dictionary<string, string>(), 10), "bob", null, ct));
        Assert.Equal("on", Assert.Single(await inWatch.NextAsync(ct)).Changes.Single().Value);

        var abandoned = await center.AbandonGrayAsync(ns, "bob", null, ct);
        var back = Assert.Single(await inWatch.NextAsync(ct));
        Assert.Equal(abandoned.Revision, back.Revision);
        Assert.Equal("off", back.Changes.Single().Value);

        // The client outside saw neither; its next event is the next release of the namespace.
        var next = await center.PublishAsync(ns, [new ConfigChange("flag", ConfigValueType.Text, "still off")], "alice", null, ct);
        Assert.Equal(next.Revision, Assert.Single(await outWatch.NextAsync(ct)).Revision);
        Assert.Equal(["off", "still off"], (await center.HistoryAsync(ns, "flag", cancellationToken: ct)).Select(v => v.Value).Reverse());
        // About 30 of every 100 ids fall in (60 expected of 200; the bounds are six deviations wide).
        Assert.InRange(ids.Count(id => GrayTarget.Bucket(ns, id) < 30), 30, 90);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var center in _centers)
        {
            await center.DisposeAsync();
        }

        await DisposeStoreAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the engine's class opened for its store.</summary>
    protected virtual ValueTask DisposeStoreAsync() => ValueTask.CompletedTask;

    private sealed class ReleaseHeads : IEqualityComparer<ConfigRelease>
    {
        public static readonly ReleaseHeads Instance = new();

        public bool Equals(ConfigRelease? x, ConfigRelease? y) =>
            x is not null && y is not null && (x.Revision, x.Namespace, x.Kind, x.Author, x.Message, x.Time) == (y.Revision, y.Namespace, y.Kind, y.Author, y.Message, y.Time);

        public int GetHashCode(ConfigRelease obj) => obj.Revision.GetHashCode();
    }
}
